package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Avro bodies in the registry's framing, read with the writer's schema fetched by the framing's id
 * and nothing else (no reader schema): records of several versions of a schema in one topic each
 * come out as they were written, and a field one version lacks is simply absent. Types as {@link
 * AvroReaders} and {@link AvroLogicalReaders} say.
 *
 * <p>Each id's schema is fetched, parsed and compiled into a reader once, on its first record; the
 * readers are immutable and shared. A schema that is not Avro or does not parse is remembered as
 * such too. Each decode uses its own {@link BinaryDecoder} over the record's bytes (a few small
 * objects, no copy), so threads share nothing mutable. Thread-safe.
 */
public final class AvroFormat implements ValueFormat {
  private final SchemaSource source;
  private final boolean changeEvents;
  private final ConcurrentMap<Integer, Compiled> byId = new ConcurrentHashMap<>();

  /** The format of plain records: every value as {@link AvroReaders} reads it. */
  public AvroFormat(SchemaSource source) {
    this(source, false);
  }

  private AvroFormat(SchemaSource source, boolean changeEvents) {
    this.source = source;
    this.changeEvents = changeEvents;
  }

  /**
   * The format of a change-event pipeline: a Debezium envelope written through a registry's Avro
   * converter ({@link AvroConnectSchemas#isEnvelope}) comes out as the Connect JSON converter's
   * wrapper {@code {"schema": …, "payload": …}}, the Connect schema rebuilt from the Avro schema's
   * {@code connect.*} properties and the payload encoded as the JSON converter encodes it, so the
   * change-event path reads its field types and values as it reads JSON events. The schema node is
   * shared by every record of its id and must not be changed. Other records as {@link
   * #AvroFormat(SchemaSource)}.
   */
  public static AvroFormat forChangeEvents(SchemaSource source) {
    return new AvroFormat(source, true);
  }

  /**
   * The record the body holds.
   *
   * @throws RecordFailure {@code invalid-framing}, {@code unknown-schema} (from the source), or
   *     {@code invalid-avro}: not an Avro schema, a body that is truncated, corrupt, longer than
   *     its datum, or not a record
   */
  @Override
  public ObjectNode decode(byte[] bytes) throws RecordFailure, RegistryUnavailableException {
    Framing framing = Framing.read(bytes);
    JsonNode value = decodeValue(bytes, framing);
    if (!value.isObject()) {
      throw new RecordFailure(
          Reason.INVALID_AVRO,
          "schema id "
              + framing.schemaId()
              + " is not a record (it holds "
              + value.getNodeType().name().toLowerCase(Locale.ROOT)
              + " values), and a value must be a record to map columns from");
    }
    return (ObjectNode) value;
  }

  /**
   * The value the body holds, of any Avro type: for keys, which are often a plain string or long.
   *
   * @throws RecordFailure as {@link #decode}, but any type is taken
   */
  public JsonNode decodeAny(byte[] bytes) throws RecordFailure, RegistryUnavailableException {
    return decodeValue(bytes, Framing.read(bytes));
  }

  private JsonNode decodeValue(byte[] bytes, Framing framing)
      throws RecordFailure, RegistryUnavailableException {
    Compiled compiled = compiled(framing.schemaId());
    JsonNode payload = read(compiled.reader(), bytes, framing);
    if (compiled.connectSchema() == null) {
      return payload;
    }
    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
    wrapper.set("schema", compiled.connectSchema());
    wrapper.set("payload", payload);
    return wrapper;
  }

  private static JsonNode read(AvroValueReader reader, byte[] bytes, Framing framing)
      throws RecordFailure {
    int offset = framing.bodyOffset();
    BinaryDecoder in =
        DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
    try {
      JsonNode value = reader.read(in);
      if (!in.isEnd()) {
        throw invalid(
            framing,
            in.remainingBytes()
                + " byte(s) are left after the datum (a different schema than the framing's id"
                + " says?)",
            null);
      }
      return value;
    } catch (EOFException e) {
      throw invalid(framing, "the body ends early (truncated)", e);
    } catch (IOException | AvroRuntimeException e) {
      // AvroDataException, Avro's malformed varints and lengths, its system limits
      throw invalid(framing, e.getMessage(), e);
    } catch (StackOverflowError e) {
      // Only a recursive schema nests without bound: a corrupt or hostile body of such a schema
      // is the record's fault, and the stack has unwound to here, so the worker carries on.
      throw invalid(framing, "the value nests deeper than the worker's stack allows", null);
    }
  }

  private Compiled compiled(int id) throws RecordFailure, RegistryUnavailableException {
    Compiled compiled = byId.get(id);
    if (compiled == null) {
      compiled = compile(id);
      Compiled raced = byId.putIfAbsent(id, compiled);
      compiled = raced == null ? compiled : raced;
    }
    if (compiled.failure() != null) {
      throw new RecordFailure(Reason.INVALID_AVRO, compiled.failure());
    }
    return compiled;
  }

  /**
   * Fetches, parses and compiles {@code id}'s schema. A schema of the wrong type or one that does
   * not parse is remembered (the same answer every time); an unknown id or an unreachable registry
   * is not, being the source's to answer.
   */
  private Compiled compile(int id) throws RecordFailure, RegistryUnavailableException {
    RegistrySchema schema = source.byId(id);
    Schema parsed;
    try {
      parsed = AvroSchemas.parse(schema, source);
    } catch (RecordFailure e) {
      if (e.reason() != Reason.INVALID_AVRO) {
        throw e;
      }
      return new Compiled(null, null, e.getMessage());
    }
    if (changeEvents && AvroConnectSchemas.isEnvelope(parsed)) {
      return new Compiled(AvroReaders.connect(parsed), AvroConnectSchemas.of(parsed), null);
    }
    return new Compiled(AvroReaders.of(parsed), null, null);
  }

  private static RecordFailure invalid(Framing framing, String what, Throwable cause) {
    return new RecordFailure(
        Reason.INVALID_AVRO,
        "the Avro body cannot be read with schema id " + framing.schemaId() + ": " + what,
        cause);
  }

  /**
   * An id's reader, and the Connect schema its values are wrapped with (null: none); or why there
   * is none.
   */
  private record Compiled(AvroValueReader reader, ObjectNode connectSchema, String failure) {}
}
