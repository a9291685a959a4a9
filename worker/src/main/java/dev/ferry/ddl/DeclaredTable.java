package dev.ferry.ddl;

import java.util.Collection;
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

  /**
   * The declared columns whose names are not among {@code existing} (a table's column names), in
   * declaration order: empty when the table has every declared column, so nothing is to be added.
   */
  public List<DeclaredColumn> missingFrom(Collection<String> existing) {
    return columns.stream().filter(c -> !existing.contains(c.name())).toList();
  }
}
