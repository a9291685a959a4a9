package dev.ferry.ddl;

import dev.ferry.config.TableName;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** A test class's database schema as the ddl ITs read it: tables, columns, primary keys. */
final class TestTables {
  private TestTables() {}

  static TableName table(PostgresSchemaExtension pg, String name) {
    return TableName.parse(pg.qualified(name)).orElseThrow();
  }

  /** {@code name type nullability} of each column, in order, from information_schema.columns. */
  static List<String> columns(PostgresSchemaExtension pg, String table) throws Exception {
    String sql =
        "SELECT column_name, CASE WHEN data_type = 'ARRAY' THEN udt_name ELSE data_type END,"
            + " CASE WHEN data_type = 'numeric' AND numeric_precision IS NOT NULL"
            + " THEN '(' || numeric_precision || ',' || numeric_scale || ')' ELSE '' END,"
            + " is_nullable FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position";
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, pg.schema());
      s.setString(2, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              rs.getString(1)
                  + " "
                  + rs.getString(2)
                  + rs.getString(3)
                  + ("YES".equals(rs.getString(4)) ? " null" : " not null"));
        }
      }
    }
    return out;
  }

  /** The primary key's columns of {@code table}, in key order. */
  static List<String> primaryKey(PostgresSchemaExtension pg, String table) throws Exception {
    String sql =
        "SELECT k.column_name FROM information_schema.table_constraints t"
            + " JOIN information_schema.key_column_usage k"
            + " ON k.constraint_schema = t.constraint_schema"
            + " AND k.constraint_name = t.constraint_name"
            + " WHERE t.table_schema = ? AND t.table_name = ? AND t.constraint_type = 'PRIMARY KEY'"
            + " ORDER BY k.ordinal_position";
    List<String> out = new ArrayList<>();
    try (Connection c = pg.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, pg.schema());
      s.setString(2, table);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
