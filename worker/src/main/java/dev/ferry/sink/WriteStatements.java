package dev.ferry.sink;

import dev.ferry.coerce.ColumnType;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The SQL of one target: the INSERT (or upsert) of every column, the same statement for a partial
 * row (only the columns it holds, built once per column set and cached, up to {@link
 * #MAX_PARTIAL}), the COPY of an insert-mode run, the DELETE by key and the truncate. Each
 * parameter is cast to its column's type without modifiers. Thread-safe.
 */
final class WriteStatements {
  /** How many partial column sets are cached; more are built for each use. */
  static final int MAX_PARTIAL = 64;

  /** The alias of the target table in an upsert, naming the stored row in its WHERE. */
  private static final String STORED = "stored";

  private final TableName table;
  private final PipelineSettings.Mode mode;
  private final List<String> names;
  private final Map<String, ColumnType> types;
  private final List<String> keys;
  private final Optional<String> version;
  private final String full;
  private final Optional<String> copy;
  private final Map<BitSet, String> partial = new ConcurrentHashMap<>();

  /**
   * @param names the columns, in row order
   * @param types the type of every column
   * @param keys the key columns: conflict target of an upsert, what a delete matches
   * @param version the column an upsert must not make older (newer wins), if any
   */
  WriteStatements(
      TableName table,
      PipelineSettings.Mode mode,
      List<String> names,
      Map<String, ColumnType> types,
      List<String> keys,
      Optional<String> version) {
    this.table = table;
    this.mode = mode;
    this.names = List.copyOf(names);
    this.types = Map.copyOf(types);
    this.keys = List.copyOf(keys);
    this.version = version;
    this.full = write(this.names);
    this.copy =
        mode == PipelineSettings.Mode.INSERT && version.isEmpty()
            ? Optional.of(
                "COPY "
                    + table.quoted()
                    + " ("
                    + this.names.stream().map(TableName::quote).collect(Collectors.joining(", "))
                    + ") FROM STDIN")
            : Optional.empty();
  }

  /** The statement that writes every column. */
  String full() {
    return full;
  }

  /**
   * {@code COPY table (every column) FROM STDIN} in text format, for a run of rows that hold every
   * column; empty for an upsert, which COPY cannot do, and for a table with a version column. COPY
   * applies each column's input function with the column's modifiers, as the cast and the
   * assignment of {@link #full()} do.
   */
  Optional<String> copy() {
    return copy;
  }

  /** The statement that writes only the columns whose index is not in {@code unchanged}. */
  String partial(BitSet unchanged) {
    String sql = partial.get(unchanged);
    if (sql != null) {
      return sql;
    }
    List<String> present = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      if (!unchanged.get(i)) {
        present.add(names.get(i));
      }
    }
    sql = write(present);
    if (partial.size() < MAX_PARTIAL) {
      partial.put((BitSet) unchanged.clone(), sql);
    }
    return sql;
  }

  /** {@code DELETE … WHERE k1 = CAST(? AS t1) AND …}; empty without key columns. */
  Optional<String> delete() {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "DELETE FROM "
            + table.quoted()
            + " WHERE "
            + keys.stream()
                .map(c -> TableName.quote(c) + " = " + cast(c))
                .collect(Collectors.joining(" AND ")));
  }

  /**
   * Every row deleted, row by row: unlike {@code TRUNCATE} it takes no exclusive lock, so it waits
   * for no concurrent reader, and it fires the foreign keys' {@code ON DELETE} actions and row
   * triggers as the source's rows going away would.
   */
  String truncate() {
    return "DELETE FROM " + table.quoted();
  }

  private String write(List<String> present) {
    if (present.isEmpty()) {
      // A row of a table mapped by name whose record has none of its fields: every default.
      return "INSERT INTO " + table.quoted() + " DEFAULT VALUES";
    }
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(table.quoted())
            .append(" AS ")
            .append(STORED)
            .append(" (")
            .append(present.stream().map(TableName::quote).collect(Collectors.joining(", ")))
            .append(") VALUES (")
            .append(present.stream().map(this::cast).collect(Collectors.joining(", ")))
            .append(')');
    if (mode != PipelineSettings.Mode.UPSERT) {
      return sql.toString();
    }
    sql.append(" ON CONFLICT (")
        .append(keys.stream().map(TableName::quote).collect(Collectors.joining(", ")))
        .append(") ");
    List<String> updates =
        present.stream()
            .filter(c -> !keys.contains(c))
            .map(c -> TableName.quote(c) + " = EXCLUDED." + TableName.quote(c))
            .toList();
    if (updates.isEmpty()) {
      return sql.append("DO NOTHING").toString();
    }
    sql.append("DO UPDATE SET ").append(String.join(", ", updates));
    version.ifPresent(
        v -> {
          String stored = STORED + "." + TableName.quote(v);
          sql.append(" WHERE ")
              .append(stored)
              .append(" IS NULL OR ")
              .append(stored)
              .append(" <= EXCLUDED.")
              .append(TableName.quote(v));
        });
    return sql.toString();
  }

  TableName table() {
    return table;
  }

  List<String> keys() {
    return keys;
  }

  Optional<String> version() {
    return version;
  }

  /** The column's type without modifiers, as parameters are cast to it. */
  String castType(String column) {
    return types.get(column).castType();
  }

  private String cast(String column) {
    return "CAST(? AS " + types.get(column).castType() + ")";
  }
}
