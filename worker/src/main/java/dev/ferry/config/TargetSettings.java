package dev.ferry.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table a pipeline writes, and how.
 *
 * @param table {@code name} or {@code schema.name}
 * @param mode insert or upsert
 * @param keyColumns conflict target of upsert; the columns a tombstone deletes by
 * @param columns target column to its source (a JSON Pointer into the value, the key or metadata),
 *     in declaration order
 */
public record TargetSettings(
    TableName table,
    PipelineSettings.Mode mode,
    List<String> keyColumns,
    Map<String, ColumnSource> columns) {
  public TargetSettings {
    keyColumns = List.copyOf(keyColumns);
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }
}
