package dev.ferry.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.coerce.Coercer;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The INSERT (or upsert) statement of one pipeline, built from the table's real column types as
 * read at start or at a later refresh ({@link TableDefinitions}), and the {@link RowCoercer} that
 * turns mapped values into text for those types. Each parameter is cast to its column's type
 * without modifiers ({@code CAST(? AS uuid)}). Identifiers come from validated config and are
 * quoted; values are always bound parameters. Immutable.
 */
public final class TableWriter {
  private final String pipeline;
  private final String sql;
  private final String deleteSql;
  private final int columns;
  private final int keyColumns;
  private final int[] upsertKeyIndexes;
  private final RowCoercer coercer;

  private TableWriter(
      String pipeline,
      String sql,
      String deleteSql,
      int columns,
      int keyColumns,
      int[] upsertKeyIndexes,
      RowCoercer coercer) {
    this.pipeline = pipeline;
    this.sql = sql;
    this.deleteSql = deleteSql;
    this.columns = columns;
    this.keyColumns = keyColumns;
    this.upsertKeyIndexes = upsertKeyIndexes;
    this.coercer = coercer;
  }

  /**
   * Reads the table's columns, checks that each mapped column exists and has a type Ferry can
   * coerce into (and that metadata sources fit their columns), and builds the statements; fails
   * with a readable message naming every problem.
   */
  public static TableWriter describe(
      Connection connection, PipelineSettings pipeline, TargetSettings target)
      throws SinkSetupException, SQLException {
    Map<String, ColumnType> types = columnTypes(connection, target.table());
    List<String> problems = new ArrayList<>();
    List<String> missing =
        target.columns().keySet().stream().filter(c -> !types.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      problems.add(
          "no column "
              + String.join(", ", missing)
              + " (it has: "
              + String.join(", ", types.keySet())
              + ")");
    }
    Map<String, RowCoercer.Column> columns = new LinkedHashMap<>();
    target
        .columns()
        .forEach(
            (name, source) -> {
              ColumnType type = types.get(name);
              if (type == null) {
                return; // reported as missing
              }
              Optional<Coercer> coercer = Coercers.of(type);
              if (coercer.isEmpty()) {
                problems.add(
                    "column "
                        + name
                        + " has type "
                        + type.display()
                        + ", which Ferry cannot write (it writes "
                        + Coercers.SUPPORTED
                        + ")");
                return;
              }
              sourceMismatch(source, coercer.get())
                  .ifPresent(
                      why ->
                          problems.add(
                              "column "
                                  + name
                                  + " ("
                                  + type.display()
                                  + ") cannot hold "
                                  + source
                                  + ": "
                                  + why));
              columns.put(name, new RowCoercer.Column(name, type, coercer.get()));
            });
    List<RowCoercer.Column> keyColumns = new ArrayList<>();
    for (String key : target.keyColumns()) {
      RowCoercer.Column column = columns.get(key);
      if (column != null) {
        keyColumns.add(column);
      }
    }
    if (!problems.isEmpty()) {
      throw new SinkSetupException(
          "pipeline "
              + pipeline.name()
              + ": table "
              + target.table()
              + ": "
              + String.join("; ", problems));
    }
    return new TableWriter(
        pipeline.name(),
        sql(target, types),
        deleteSql(target, types),
        target.columns().size(),
        target.keyColumns().size(),
        upsertKeyIndexes(target),
        new RowCoercer(List.copyOf(columns.values()), keyColumns));
  }

  /**
   * Why a metadata source can never fit its column (an {@code @topic} into an integer column, an
   * {@code @offset} into a uuid), tried on a sample value; empty when it fits or when the source's
   * values are only known per record.
   */
  private static Optional<String> sourceMismatch(ColumnSource source, Coercer coercer) {
    if (!(source instanceof ColumnSource.Metadata m)) {
      return Optional.empty();
    }
    JsonNode sample =
        switch (m.field()) {
          case TOPIC -> TextNode.valueOf("orders");
          case PARTITION -> IntNode.valueOf(0);
          case OFFSET -> LongNode.valueOf(0);
          case TIMESTAMP -> TextNode.valueOf("2024-05-01T12:00:00Z");
        };
    try {
      coercer.apply(sample);
      return Optional.empty();
    } catch (CoercionException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Map<String, ColumnType> columnTypes(Connection connection, TableName table)
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

  private static String sql(TargetSettings target, Map<String, ColumnType> types) {
    List<String> names = new ArrayList<>(target.columns().keySet());
    String columnList = names.stream().map(TableName::quote).collect(Collectors.joining(", "));
    String values =
        names.stream()
            .map(c -> "CAST(? AS " + types.get(c).castType() + ")")
            .collect(Collectors.joining(", "));
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(target.table().quoted())
            .append(" (")
            .append(columnList)
            .append(") VALUES (")
            .append(values)
            .append(")");
    if (target.mode() == PipelineSettings.Mode.UPSERT) {
      sql.append(" ON CONFLICT (")
          .append(
              target.keyColumns().stream().map(TableName::quote).collect(Collectors.joining(", ")))
          .append(") ");
      List<String> updates =
          names.stream()
              .filter(c -> !target.keyColumns().contains(c))
              .map(c -> TableName.quote(c) + " = EXCLUDED." + TableName.quote(c))
              .toList();
      sql.append(updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
    }
    return sql.toString();
  }

  private static int[] upsertKeyIndexes(TargetSettings target) {
    if (target.mode() != PipelineSettings.Mode.UPSERT) {
      return new int[0];
    }
    List<String> names = new ArrayList<>(target.columns().keySet());
    return target.keyColumns().stream().mapToInt(names::indexOf).toArray();
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
  private static String deleteSql(TargetSettings target, Map<String, ColumnType> types) {
    if (target.keyColumns().isEmpty()) {
      return null;
    }
    return "DELETE FROM "
        + target.table().quoted()
        + " WHERE "
        + target.keyColumns().stream()
            .map(c -> TableName.quote(c) + " = CAST(? AS " + types.get(c).castType() + ")")
            .collect(Collectors.joining(" AND "));
  }

  public String pipeline() {
    return pipeline;
  }

  public String sql() {
    return sql;
  }

  /** Turns the pipeline's mapped values into SQL text for these columns. */
  public RowCoercer coercer() {
    return coercer;
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
