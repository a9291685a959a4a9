package dev.ferry.format;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Parses a writer's schema as the registry serves it, with the named types of the schemas it refers
 * to: each reference is fetched through {@link SchemaSource#byReference}, its own references first,
 * and parsed into the same parser before the schema itself, so a field may name a record that
 * another subject defines (Confluent's Avro schema references). Stateless.
 */
public final class AvroSchemas {
  private static final String AVRO = "AVRO";

  private AvroSchemas() {}

  /**
   * The parsed schema.
   *
   * @throws RecordFailure {@code invalid-avro}: not an Avro schema, or one that does not parse;
   *     {@code unknown-schema}: a reference the registry does not have
   * @throws RegistryUnavailableException a reference could not be fetched
   */
  public static Schema parse(RegistrySchema schema, SchemaSource source)
      throws RecordFailure, RegistryUnavailableException {
    checkAvro(schema, "schema id " + schema.id());
    // Defaults are not checked: Ferry reads with the writer's schema only, so it never uses them,
    // and the registry accepted the schema as it is.
    Schema.Parser parser = new Schema.Parser().setValidateDefaults(false);
    parseReferences(schema, source, parser, new HashSet<>());
    return parse(parser, schema.text(), "schema id " + schema.id());
  }

  private static void parseReferences(
      RegistrySchema schema,
      SchemaSource source,
      Schema.Parser parser,
      Set<RegistrySchema.Reference> seen)
      throws RecordFailure, RegistryUnavailableException {
    for (RegistrySchema.Reference reference : schema.references()) {
      if (!seen.add(reference)) {
        continue;
      }
      String what =
          "the schema "
              + reference.name()
              + " (subject "
              + reference.subject()
              + ", version "
              + reference.version()
              + ") that schema id "
              + schema.id()
              + " refers to";
      RegistrySchema referenced = source.byReference(reference);
      checkAvro(referenced, what);
      parseReferences(referenced, source, parser, seen);
      parse(parser, referenced.text(), what);
    }
  }

  private static void checkAvro(RegistrySchema schema, String what) throws RecordFailure {
    if (!AVRO.equals(schema.type())) {
      throw new RecordFailure(
          Reason.INVALID_AVRO,
          what
              + " is a "
              + schema.type()
              + " schema, not an Avro one: the record was not written with Avro (is the"
              + " pipeline's format right?)");
    }
  }

  private static Schema parse(Schema.Parser parser, String text, String what) throws RecordFailure {
    try {
      return parser.parse(text);
    } catch (AvroRuntimeException e) { // SchemaParseException and kin
      throw new RecordFailure(
          Reason.INVALID_AVRO, what + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
