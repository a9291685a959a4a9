package dev.ferry.testkit.cdc;

import dev.ferry.testkit.postgres.UncheckedSqlException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns a {@link TableComparison} compares, read from the source table's catalog in column
 * order, each with the SQL that prints it canonically, and the table's primary key.
 */
record SourceColumns(List<String> names, List<String> types, List<String> key) {

  static SourceColumns of(Connection connection, String table, Set<String> leftOut) {
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<String> key = new ArrayList<>();
    String sql =
        "SELECT a.attname, t.typname, coalesce(a.attnum = ANY (i.indkey), false)"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
            + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          if (rs.getBoolean(3)) {
            key.add(name);
          }
          if (!leftOut.contains(name)) {
            names.add(name);
            types.add(rs.getString(2));
          }
        }
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot read the columns of " + table, e);
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException(table + " has no primary key to order its rows by");
    }
    return new SourceColumns(List.copyOf(names), List.copyOf(types), List.copyOf(key));
  }

  /** One text per row: every compared column quoted (NULL as the word), comma-separated. */
  String rowTextSql() {
    List<String> quoted = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      quoted.add("quote_nullable(" + text(names.get(i), types.get(i)) + ")");
    }
    return "concat_ws(',', " + String.join(", ", quoted) + ")";
  }

  /** The primary key's text, the same on both sides whatever the key's type. */
  String keyTextSql() {
    return key.stream()
        .map(k -> "quote_nullable(" + quote(k) + "::text)")
        .collect(Collectors.joining(", ", "concat_ws(',', ", ")"));
  }

  /** The compared columns, each as its canonical text, comma-separated. */
  String valuesSql() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      texts.add(text(names.get(i), types.get(i)));
    }
    return String.join(", ", texts);
  }

  /** A column's value as text; see {@link TableComparison} for the two canonical forms. */
  private static String text(String column, String typname) {
    String c = quote(column);
    return switch (typname) {
      case "timetz" -> "(" + c + " AT TIME ZONE 'UTC')::text";
      case "interval" -> "justify_hours(" + c + ")::text";
      case "json" -> c + "::jsonb::text";
      default -> c + "::text";
    };
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
