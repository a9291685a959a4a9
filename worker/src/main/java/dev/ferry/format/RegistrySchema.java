package dev.ferry.format;

import java.util.List;

/**
 * A schema as the registry serves it by id ({@code GET /schemas/ids/{id}} of the
 * Confluent-compatible API).
 *
 * @param id the schema id of the framing
 * @param type {@code AVRO} (also when the registry leaves the type out, as Confluent does for
 *     Avro), {@code PROTOBUF} or {@code JSON}
 * @param text the schema text: Avro JSON, or a {@code .proto} file
 * @param references the schemas it imports, by name, subject and version, as the registry lists
 *     them
 */
public record RegistrySchema(int id, String type, String text, List<Reference> references) {
  /** One schema this one refers to (a Protobuf import, an Avro named type). */
  public record Reference(String name, String subject, int version) {}

  public RegistrySchema {
    references = List.copyOf(references);
  }
}
