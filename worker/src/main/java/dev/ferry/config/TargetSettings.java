package dev.ferry.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One table a pipeline writes, and how.
 *
 * @param table {@code name} or {@code schema.name}
 * @param mode insert or upsert
 * @param keyColumns conflict target of upsert; the columns a tombstone deletes by
 * @param columns target column to its source (a JSON Pointer into the value, the key or metadata),
 *     in declaration order
 * @param columnsByName whether every other column of the table is mapped too, from the field of the
 *     same name (the row image of a change event); the effective columns are then known only from
 *     the table's definition ({@code TableWriter}); empty {@code keyColumns} then mean the table's
 *     primary key
 * @param versionColumn for an upsert: the column whose stored value must not be newer than the
 *     row's for the row to be applied (newer wins)
 */
public record TargetSettings(
    TableName table,
    PipelineSettings.Mode mode,
    List<String> keyColumns,
    Map<String, ColumnSource> columns,
    boolean columnsByName,
    Optional<String> versionColumn,
    Map<String, ColumnFormat> columnFormats) {
  public TargetSettings {
    keyColumns = List.copyOf(keyColumns);
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    columnFormats = Collections.unmodifiableMap(new LinkedHashMap<>(columnFormats));
  }

  /** A target without column formats: every column read the default way of its type. */
  public TargetSettings(
      TableName table,
      PipelineSettings.Mode mode,
      List<String> keyColumns,
      Map<String, ColumnSource> columns,
      boolean columnsByName,
      Optional<String> versionColumn) {
    this(table, mode, keyColumns, columns, columnsByName, versionColumn, Map.of());
  }
}
