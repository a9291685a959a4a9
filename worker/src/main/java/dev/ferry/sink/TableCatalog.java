package dev.ferry.sink;

import dev.ferry.coerce.ColumnType;
import dev.ferry.config.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@link TableWriter} reads about a target table from Postgres' catalog. */
final class TableCatalog {
  /**
   * A unique index Postgres can use as the arbiter of {@code ON CONFLICT}: immediate, without a
   * predicate or expressions.
   *
   * @param columns its columns, in index order
   */
  record UniqueKey(boolean primary, List<String> columns) {}

  private TableCatalog() {}

  /** Whether a table, view or other relation of this name exists (and the session may see it). */
  static boolean exists(Connection connection, TableName table) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** The table's columns in attnum order, with their types. */
  static Map<String, ColumnType> columnTypes(Connection connection, TableName table)
      throws SQLException, SinkSetupException {
    // A domain is written through its base type (its own name is kept for the CAST, so that its
    // constraints apply); an array through its element type.
    String query =
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL),"
            + " b.typname, b.typcategory,"
            + " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,"
            + " e.typname, e.typcategory, format_type(e.oid, NULL)"
            + " FROM pg_attribute a"
            + " JOIN pg_type t ON t.oid = a.atttypid"
            + " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype"
            + " ELSE t.oid END"
            + " LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A'"
            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";
    Map<String, ColumnType> types = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String display = rs.getString(2);
          String castType = rs.getString(3);
          int typmod = rs.getInt(6);
          String element = rs.getString(7);
          ColumnType type =
              element == null
                  ? ColumnType.of(
                      display, castType, rs.getString(4), rs.getString(5).charAt(0), typmod)
                  : ColumnType.arrayOf(
                      display,
                      castType,
                      ColumnType.of(
                          rs.getString(9),
                          rs.getString(9),
                          element,
                          rs.getString(8).charAt(0),
                          typmod));
          types.put(rs.getString(1), type);
        }
      }
    }
    if (types.isEmpty()) {
      throw new SinkSetupException(
          "table " + table + " does not exist (or has no columns) in the target database");
    }
    return types;
  }

  /**
   * Whether {@code COPY} writes {@code columns} of the relation exactly as an {@code INSERT} would:
   * only into a plain or partitioned table (a view refuses COPY), without rules (COPY ignores
   * them), and into no {@code GENERATED ALWAYS} identity column (COPY overrides it, an INSERT is
   * refused).
   */
  static boolean copyable(Connection connection, TableName table, List<String> columns)
      throws SQLException {
    String query =
        "SELECT c.relkind IN ('r', 'p') AND NOT c.relhasrules AND NOT EXISTS (SELECT 1"
            + " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity = 'a'"
            + " AND a.attname = ANY (?))"
            + " FROM pg_class c WHERE c.oid = to_regclass(?)";
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setArray(1, connection.createArrayOf("text", columns.toArray()));
      ps.setString(2, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** The table's unique indexes that can arbitrate {@code ON CONFLICT}, the primary key first. */
  static List<UniqueKey> uniqueKeys(Connection connection, TableName table) throws SQLException {
    String query =
        "SELECT i.indisprimary, ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[])"
            + " WITH ORDINALITY AS k(attnum, n)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + " ORDER BY k.n)"
            + " FROM pg_index i WHERE i.indrelid = to_regclass(?) AND i.indisunique"
            + " AND i.indimmediate AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL"
            + " ORDER BY i.indisprimary DESC, i.indexrelid";
    List<UniqueKey> keys = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array names = rs.getArray(2);
          keys.add(new UniqueKey(rs.getBoolean(1), List.of((String[]) names.getArray())));
        }
      }
    }
    return keys;
  }

  /**
   * The partition key's columns of a partitioned table ({@code PARTITION BY RANGE/LIST/HASH}), in
   * key order, expressions left out; empty for any other relation.
   */
  static List<String> partitionKey(Connection connection, TableName table) throws SQLException {
    String query =
        "SELECT a.attname FROM pg_partitioned_table p,"
            + " unnest(p.partattrs::int2[]) WITH ORDINALITY AS k(attnum, n)"
            + " JOIN pg_attribute a ON a.attrelid = to_regclass(?) AND a.attnum = k.attnum"
            + " WHERE p.partrelid = to_regclass(?) ORDER BY k.n";
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setString(1, table.quoted());
      ps.setString(2, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return columns;
  }

  /** The primary key's columns, if the table has one. */
  static Optional<List<String>> primaryKey(List<UniqueKey> keys) {
    return keys.stream().filter(UniqueKey::primary).map(UniqueKey::columns).findFirst();
  }

  /** Whether one of {@code keys} has exactly {@code columns}, in any order. */
  static boolean covers(List<UniqueKey> keys, List<String> columns) {
    return keys.stream()
        .anyMatch(
            k ->
                k.columns().size() == columns.size()
                    && k.columns().containsAll(columns)
                    && columns.containsAll(k.columns()));
  }
}
