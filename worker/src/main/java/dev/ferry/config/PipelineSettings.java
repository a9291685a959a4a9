package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One topic-to-table mapping.
 *
 * @param name unique among the pipelines; appears in logs, metrics and DLT headers
 * @param topics the input topics; a topic belongs to one pipeline only
 * @param schema optional path of a JSON Schema the values must match
 * @param table target table, {@code name} or {@code schema.name}
 * @param mode insert or upsert
 * @param keyColumns conflict target of upsert
 * @param columns target column to its source (a JSON Pointer into the value, the key or metadata),
 *     in declaration order
 * @param tombstones what a record with a null value does
 */
public record PipelineSettings(
    String name,
    List<String> topics,
    Optional<String> schema,
    TableName table,
    Mode mode,
    List<String> keyColumns,
    Map<String, ColumnSource> columns,
    Tombstones tombstones) {

  /** What a tombstone (a record whose value is null) does. */
  public enum Tombstones {
    /** Nothing: the record is completed without a row (the default). */
    SKIP,
    /** Deletes the rows whose key columns equal the record key. */
    DELETE,
    /** Sends the record to the dead-letter topic, reason {@code tombstone}. */
    DEAD_LETTER
  }

  /** How rows are written. */
  public enum Mode {
    INSERT,
    UPSERT
  }

  public PipelineSettings {
    topics = List.copyOf(topics);
    keyColumns = List.copyOf(keyColumns);
    columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
  }

  @Override
  public String toString() {
    return "pipeline{name="
        + name
        + ", topics="
        + topics
        + ", table="
        + table
        + ", mode="
        + mode.name().toLowerCase(java.util.Locale.ROOT)
        + ", columns="
        + columns.keySet()
        + ", tombstones="
        + tombstones.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + "}";
  }
}
