package dev.ferry.ddl;

import java.util.List;

/**
 * What a record's declared schema says its table looks like: the columns in declaration order and
 * the key columns (the primary key of a table created from it; empty for none).
 */
public record DeclaredTable(List<DeclaredColumn> columns, List<String> keyColumns) {
  public DeclaredTable {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
  }
}
