package dev.ferry.sink;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The INSERT (or upsert) statement of one pipeline, built once at start from the table's real
 * column types. Each parameter is cast to its column's base type ({@code CAST(? AS uuid)}), so
 * Postgres parses the text and the column's own modifiers (varchar length, numeric scale) still
 * apply on assignment. Identifiers come from validated config and are quoted; values are always
 * bound parameters. Immutable.
 */
public final class TableWriter {
  private final String pipeline;
  private final String sql;
  private final String deleteSql;
  private final int columns;
  private final int keyColumns;
  private final int[] upsertKeyIndexes;

  private TableWriter(
      String pipeline,
      String sql,
      String deleteSql,
      int columns,
      int keyColumns,
      int[] upsertKeyIndexes) {
    this.pipeline = pipeline;
    this.sql = sql;
    this.deleteSql = deleteSql;
    this.columns = columns;
    this.keyColumns = keyColumns;
    this.upsertKeyIndexes = upsertKeyIndexes;
  }

  /** Reads the table's columns and builds the statement; fails with a readable message. */
  public static TableWriter describe(Connection connection, PipelineSettings pipeline)
      throws SinkSetupException, SQLException {
    Map<String, String> types = columnTypes(connection, pipeline.table());
    List<String> missing = new ArrayList<>();
    for (String column : pipeline.columns().keySet()) {
      if (!types.containsKey(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new SinkSetupException(
          "pipeline "
              + pipeline.name()
              + ": table "
              + pipeline.table()
              + " has no column "
              + String.join(", ", missing)
              + " (it has: "
              + String.join(", ", types.keySet())
              + ")");
    }
    return new TableWriter(
        pipeline.name(),
        sql(pipeline, types),
        deleteSql(pipeline, types),
        pipeline.columns().size(),
        pipeline.keyColumns().size(),
        upsertKeyIndexes(pipeline));
  }

  private static Map<String, String> columnTypes(Connection connection, TableName table)
      throws SQLException, SinkSetupException {
    String query =
        "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a"
            + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attnum";
    Map<String, String> types = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(query)) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          types.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    if (types.isEmpty()) {
      throw new SinkSetupException(
          "table " + table + " does not exist (or has no columns) in the target database");
    }
    return types;
  }

  private static String sql(PipelineSettings pipeline, Map<String, String> types) {
    List<String> names = new ArrayList<>(pipeline.columns().keySet());
    String columnList = names.stream().map(TableName::quote).collect(Collectors.joining(", "));
    String values =
        names.stream()
            .map(c -> "CAST(? AS " + types.get(c) + ")")
            .collect(Collectors.joining(", "));
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(pipeline.table().quoted())
            .append(" (")
            .append(columnList)
            .append(") VALUES (")
            .append(values)
            .append(")");
    if (pipeline.mode() == PipelineSettings.Mode.UPSERT) {
      sql.append(" ON CONFLICT (")
          .append(
              pipeline.keyColumns().stream()
                  .map(TableName::quote)
                  .collect(Collectors.joining(", ")))
          .append(") ");
      List<String> updates =
          names.stream()
              .filter(c -> !pipeline.keyColumns().contains(c))
              .map(c -> TableName.quote(c) + " = EXCLUDED." + TableName.quote(c))
              .toList();
      sql.append(updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }
    return sql.toString();
  }

  private static int[] upsertKeyIndexes(PipelineSettings pipeline) {
    if (pipeline.mode() != PipelineSettings.Mode.UPSERT) {
      return new int[0];
    }
    List<String> names = new ArrayList<>(pipeline.columns().keySet());
    return pipeline.keyColumns().stream().mapToInt(names::indexOf).toArray();
  }

  /**
   * For an upsert, keeps only the last row of each key in a run of inserts: Postgres rejects one
   * INSERT … ON CONFLICT DO UPDATE that touches the same row twice, and the last row is what the
   * run would leave anyway. Other runs are returned as they are.
   */
  List<Row> lastPerKey(List<Row> run) {
    if (upsertKeyIndexes.length == 0 || run.size() < 2 || run.get(0).delete()) {
      return run;
    }
    Map<List<String>, Row> last = new LinkedHashMap<>();
    for (Row row : run) {
      List<String> key = new ArrayList<>(upsertKeyIndexes.length);
      for (int i : upsertKeyIndexes) {
        key.add(row.values()[i]);
      }
      last.remove(key);
      last.put(key, row);
    }
    return last.size() == run.size() ? run : new ArrayList<>(last.values());
  }

  /** {@code DELETE … WHERE k1 = CAST(? AS t1) AND …}; null without key columns. */
  private static String deleteSql(PipelineSettings pipeline, Map<String, String> types) {
    if (pipeline.keyColumns().isEmpty()) {
      return null;
    }
    return "DELETE FROM "
        + pipeline.table().quoted()
        + " WHERE "
        + pipeline.keyColumns().stream()
            .map(c -> TableName.quote(c) + " = CAST(? AS " + types.get(c) + ")")
            .collect(Collectors.joining(" AND "));
  }

  public String pipeline() {
    return pipeline;
  }

  public String sql() {
    return sql;
  }

  /** The statement that writes {@code row}. */
  String sqlFor(Row row) {
    if (row.delete() && deleteSql == null) {
      throw new IllegalArgumentException(
          "pipeline " + pipeline + " has no key columns to delete by");
    }
    return row.delete() ? deleteSql : sql;
  }

  void bind(PreparedStatement ps, Row row) throws SQLException {
    String[] values = row.values();
    int expected = row.delete() ? keyColumns : columns;
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "row has " + values.length + " values, pipeline " + pipeline + " expects " + expected);
    }
    for (int i = 0; i < values.length; i++) {
      ps.setString(i + 1, values[i]);
    }
  }
}
