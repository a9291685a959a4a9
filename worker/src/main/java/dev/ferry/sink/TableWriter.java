package dev.ferry.sink;

import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The statements of one pipeline's table ({@link WriteStatements}), built from the table's real
 * columns and types as read at start or at a later refresh ({@link TableDefinitions}), and the
 * {@link RowCoercer} that turns mapped values into text for those types. The columns are the
 * target's {@code columns}, then, for a target that maps columns by name, every other column of the
 * table in table order (each from the change event's field of its name). Identifiers come from
 * validated config or the catalog and are quoted; values are always bound parameters. Immutable.
 */
public final class TableWriter {
  /**
   * One column a row holds a value for.
   *
   * @param source where the pipeline takes its value from
   */
  public record Column(String name, ColumnSource source, ColumnType type) {}

  private final String pipeline;
  private final WriteStatements statements;
  private final List<Column> columns;
  private final int[] keyIndexes;
  private final boolean upsert;
  private final RowCoercer coercer;
  private final Optional<String> copy;

  private TableWriter(
      String pipeline,
      WriteStatements statements,
      boolean copyable,
      List<Column> columns,
      int[] keyIndexes,
      boolean upsert,
      RowCoercer coercer) {
    this.pipeline = pipeline;
    this.statements = statements;
    this.copy = copyable ? statements.copy() : Optional.empty();
    this.columns = List.copyOf(columns);
    this.keyIndexes = keyIndexes;
    this.upsert = upsert;
    this.coercer = coercer;
  }

  /**
   * Reads the table's columns and unique indexes, resolves the columns and key columns, checks that
   * each mapped column exists and has a type Ferry can coerce into (and that metadata sources fit
   * their columns), that an upsert's key columns are those of a unique index, and that a version
   * column can be compared, and builds the statements; fails with a readable message naming every
   * problem.
   */
  public static TableWriter describe(
      Connection connection, PipelineSettings pipeline, TargetSettings target)
      throws SinkSetupException, SQLException {
    Map<String, ColumnType> types = TableCatalog.columnTypes(connection, target.table());
    List<String> problems = new ArrayList<>();
    Map<String, ColumnSource> sources = TargetChecks.sources(target, types, problems);
    Map<String, RowCoercer.Column> columns = new LinkedHashMap<>();
    sources.forEach(
        (name, source) -> {
          RowCoercer.Column column =
              TargetChecks.column(
                  name,
                  source,
                  types.get(name),
                  Optional.ofNullable(target.columnFormats().get(name)),
                  problems);
          if (column != null) {
            columns.put(name, column);
          }
        });
    TargetChecks.formatsMapped(target, sources, types, problems);
    List<String> keys =
        TargetChecks.keyColumns(connection, target, pipeline.cdc().isPresent(), problems);
    keys.stream()
        .filter(k -> !sources.containsKey(k) && !target.columns().containsKey(k))
        .forEach(k -> problems.add("no key column " + k));
    target
        .versionColumn()
        .ifPresent(v -> TargetChecks.checkVersion(v, target, columns, keys, problems));
    if (!problems.isEmpty()) {
      throw new SinkSetupException(
          "pipeline "
              + pipeline.name()
              + ": table "
              + target.table()
              + ": "
              + String.join("; ", problems));
    }
    List<String> names = new ArrayList<>(sources.keySet());
    List<Column> mapped = new ArrayList<>(names.size());
    sources.forEach((name, source) -> mapped.add(new Column(name, source, types.get(name))));
    List<RowCoercer.Column> keyColumns = new ArrayList<>();
    keys.stream().filter(columns::containsKey).forEach(k -> keyColumns.add(columns.get(k)));
    return new TableWriter(
        pipeline.name(),
        new WriteStatements(
            target.table(), target.mode(), names, types, keys, target.versionColumn()),
        TableCatalog.copyable(connection, target.table(), names),
        mapped,
        keys.stream().mapToInt(names::indexOf).toArray(),
        target.mode() == PipelineSettings.Mode.UPSERT,
        new RowCoercer(List.copyOf(columns.values()), keyColumns));
  }

  /**
   * Splits a run of upsert rows before each row whose key came earlier in the part, so that every
   * row is written, in order: Postgres rejects one INSERT … ON CONFLICT DO UPDATE that touches the
   * same row twice (and the driver rewrites a JDBC batch into such statements), while keeping only
   * each key's last row would hide an earlier row the database refuses (its parent row not there
   * yet, a check) behind the later one. Other runs, and runs without a repeated key, come back
   * whole.
   */
  List<List<Row>> partsWithoutRepeatedKeys(List<Row> run) {
    if (!upsert || run.size() < 2 || run.get(0).kind() != Row.Kind.WRITE) {
      return List.of(run);
    }
    List<List<Row>> parts = null;
    Set<Object> keys = new HashSet<>(run.size() * 2);
    int start = 0;
    for (int i = 0; i < run.size(); i++) {
      Object key = keyOf(run.get(i));
      if (!keys.add(key)) {
        parts = parts == null ? new ArrayList<>() : parts;
        parts.add(run.subList(start, i));
        start = i;
        keys.clear();
        keys.add(key);
      }
    }
    if (parts == null) {
      return List.of(run);
    }
    parts.add(run.subList(start, run.size()));
    return parts;
  }

  /** The row's key values, compared by equals: the one value of a one-column key. */
  private Object keyOf(Row row) {
    String[] values = row.values();
    if (keyIndexes.length == 1) {
      return values[keyIndexes[0]];
    }
    List<String> key = new ArrayList<>(keyIndexes.length);
    for (int i : keyIndexes) {
      key.add(values[i]);
    }
    return key;
  }

  public String pipeline() {
    return pipeline;
  }

  /** The statement that writes every column. */
  public String sql() {
    return statements.full();
  }

  /** Turns the pipeline's mapped values into SQL text for these columns. */
  public RowCoercer coercer() {
    return coercer;
  }

  /** The columns a {@link Row.Kind#WRITE} row holds values for, in row order. */
  public List<Column> columns() {
    return columns;
  }

  public List<String> columnNames() {
    List<String> names = new ArrayList<>(columns.size());
    columns.forEach(c -> names.add(c.name()));
    return names;
  }

  /** Whether a row of this width was built for these columns (not before a column was added). */
  boolean fits(Row row) {
    return row.kind() != Row.Kind.WRITE || row.values().length == columns.size();
  }

  TableName table() {
    return statements.table();
  }

  /** The key columns, in key order. */
  List<String> keyNames() {
    return statements.keys();
  }

  /** The column an upsert must not make older (newer wins), if any. */
  Optional<String> version() {
    return statements.version();
  }

  String castType(String column) {
    return statements.castType(column);
  }

  /** The statement that writes {@code row}; rows with equal statements go in one JDBC batch. */
  String sqlFor(Row row) {
    return switch (row.kind()) {
      case DELETE ->
          statements
              .delete()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "pipeline " + pipeline + " has no key columns to delete by"));
      case TRUNCATE -> statements.truncate();
      case WRITE -> {
        BitSet unchanged = unchanged(row);
        yield unchanged == null ? statements.full() : statements.partial(unchanged);
      }
    };
  }

  /** The indexes of the row's {@link Row#UNCHANGED} values; null when it has none. */
  private BitSet unchanged(Row row) {
    String[] values = row.values();
    BitSet unchanged = null;
    for (int i = 0; i < values.length; i++) {
      if (Row.isUnchanged(values[i])) {
        if (unchanged == null) {
          unchanged = new BitSet(values.length);
        }
        unchanged.set(i);
      }
    }
    if (unchanged != null) {
      for (int k : keyIndexes) {
        if (unchanged.get(k)) {
          throw new IllegalArgumentException(
              "pipeline " + pipeline + ": key column " + columns.get(k).name() + " is unchanged");
        }
      }
    }
    return unchanged;
  }

  /** The row's key as {@code ferry.source_positions} names it ({@link SourcePositions#keyText}). */
  String keyText(Row row) {
    return SourcePositions.keyText(row.kind() == Row.Kind.TRUNCATE ? row.values() : keyValues(row));
  }

  /** The row's key values, in key order (what a delete row holds). */
  String[] keyValues(Row row) {
    if (row.delete()) {
      return row.values();
    }
    String[] key = new String[keyIndexes.length];
    for (int i = 0; i < key.length; i++) {
      key[i] = row.values()[keyIndexes[i]];
    }
    return key;
  }

  /**
   * The {@code COPY … FROM STDIN} that writes a run of rows holding every column ({@link #sql()}'s
   * rows) in insert mode; empty when such rows must go through {@link #sql()}: an upsert, a version
   * column, or a target COPY would write differently ({@link TableCatalog#copyable}).
   */
  Optional<String> copySql() {
    return copy;
  }

  /** Appends a {@link Row.Kind#WRITE} row holding every column to a COPY's data. */
  void copy(CopyText text, Row row) {
    checkWidth(row);
    text.row(row.values());
  }

  void bind(PreparedStatement ps, Row row) throws SQLException {
    String[] values = checkWidth(row);
    int parameter = 1;
    for (String value : values) {
      if (!Row.isUnchanged(value)) {
        ps.setString(parameter++, value);
      }
    }
  }

  private String[] checkWidth(Row row) {
    String[] values = row.values();
    int expected =
        switch (row.kind()) {
          case DELETE -> keyIndexes.length;
          case TRUNCATE -> 0;
          case WRITE -> columns.size();
        };
    if (values.length != expected) {
      throw new IllegalArgumentException(
          "row has " + values.length + " values, pipeline " + pipeline + " expects " + expected);
    }
    return values;
  }
}
