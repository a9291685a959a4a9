package dev.ferry.config;

import java.util.Locale;

/**
 * How a pipeline reads record values ({@code format}: json, avro, protobuf) and keys ({@code
 * key-format}: text, avro, protobuf).
 */
public enum RecordFormat {
  /** A JSON object, numbers exact: values' default. */
  JSON,
  /** UTF-8 text, or a JSON object when it reads as one: keys' default, as before formats. */
  TEXT,
  /** Registry framing around an Avro binary body. */
  AVRO,
  /** Registry framing around message indexes and a Protobuf body. */
  PROTOBUF;

  /** Whether reading it needs the schema registry. */
  public boolean usesRegistry() {
    return this == AVRO || this == PROTOBUF;
  }

  /** The name in the config file. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
