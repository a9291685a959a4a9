package dev.ferry.ddl;

import dev.ferry.config.ColumnSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns a pipeline maps from a record's coordinates rather than its value, whose types are
 * Ferry's own and need no declaration: {@code @topic} → {@code text}, {@code @partition} → {@code
 * integer}, {@code @offset} → {@code bigint}, {@code @timestamp} → {@code timestamptz}, {@code
 * @header:NAME} and {@code @key} (the key as UTF-8 text) → {@code text}. They are appended to every
 * declaration, optional (a column Ferry adds for a newly mapped one is nullable; older rows keep
 * {@code NULL}). A {@code @key/pointer} or a value pointer to another name has no type Ferry knows:
 * it is not added. Stateless.
 */
final class MetadataColumns {
  private MetadataColumns() {}

  /** The metadata columns of a pipeline's explicit {@code columns} map, in its order. */
  static List<DeclaredColumn> of(Map<String, ColumnSource> columns) {
    List<DeclaredColumn> out = new ArrayList<>();
    columns.forEach(
        (column, source) -> {
          String type = type(source);
          if (type != null) {
            out.add(new DeclaredColumn(column, type, true));
          }
        });
    return out;
  }

  private static String type(ColumnSource source) {
    if (source instanceof ColumnSource.Metadata m) {
      return switch (m.field()) {
        case TOPIC -> "text";
        case PARTITION -> "integer";
        case OFFSET -> "bigint";
        case TIMESTAMP -> "timestamptz";
      };
    }
    if (source instanceof ColumnSource.Header
        || (source instanceof ColumnSource.Key k && k.pointer().isEmpty())) {
      return "text";
    }
    return null;
  }

  /**
   * {@code schemas} with {@code extra} appended to each declaration, where not declared already.
   */
  static RecordSchemas appendedTo(RecordSchemas schemas, List<DeclaredColumn> extra) {
    if (extra.isEmpty()) {
      return schemas;
    }
    return (record, value) -> schemas.of(record, value).map(table -> append(table, extra));
  }

  static DeclaredTable append(DeclaredTable table, List<DeclaredColumn> extra) {
    Set<String> names = new HashSet<>();
    table.columns().forEach(c -> names.add(c.name()));
    List<DeclaredColumn> columns = new ArrayList<>(table.columns());
    for (DeclaredColumn column : extra) {
      if (names.add(column.name())) {
        columns.add(column);
      }
    }
    return new DeclaredTable(columns, table.keyColumns());
  }
}
