package dev.ferry.ddl;

import dev.ferry.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the catalog says of a table right now: whether the name resolves (as SQL resolves it, by the
 * search path when unqualified), whether it is a table Ferry may add columns to (a plain or a
 * partitioned table, not a view), and its column names.
 */
record TableShape(boolean exists, boolean alterable, Set<String> columns) {
  private static final String SQL =
      "SELECT c.relkind::text, a.attname FROM pg_catalog.pg_class c"
          + " LEFT JOIN pg_catalog.pg_attribute a"
          + " ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
          + " WHERE c.oid = to_regclass(?) ORDER BY a.attnum";

  TableShape {
    columns = Set.copyOf(columns);
  }

  static TableShape read(Connection c, TableName table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SQL)) {
      s.setString(1, table.quoted());
      try (ResultSet rs = s.executeQuery()) {
        boolean exists = false;
        boolean alterable = false;
        Set<String> columns = new LinkedHashSet<>();
        while (rs.next()) {
          exists = true;
          String kind = rs.getString(1);
          alterable = "r".equals(kind) || "p".equals(kind);
          String column = rs.getString(2);
          if (column != null) {
            columns.add(column);
          }
        }
        return new TableShape(exists, alterable, columns);
      }
    }
  }
}
