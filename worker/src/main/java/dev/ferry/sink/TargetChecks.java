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
import dev.ferry.config.ColumnFormat;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TargetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@link TableWriter#describe} resolves a target against its table: the effective columns, the
 * key columns, and every problem that keeps the pipeline from writing it, each added to a list.
 */
final class TargetChecks {
  /** Orderable type categories a version column may have: numeric, date/time, string. */
  private static final String ORDERABLE = "NDS";

  private TargetChecks() {}

  /** The configured columns, then (by name) every other column of the table. */
  static Map<String, ColumnSource> sources(
      TargetSettings target, Map<String, ColumnType> types, List<String> problems) {
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
    Map<String, ColumnSource> sources = new LinkedHashMap<>();
    target
        .columns()
        .forEach(
            (name, source) -> {
              if (types.containsKey(name)) {
                sources.put(name, source);
              }
            });
    if (target.columnsByName()) {
      types.keySet().forEach(name -> sources.putIfAbsent(name, ColumnSource.Field.of(name)));
    }
    return sources;
  }

  /**
   * The column's coercer, reading values as {@code format} declares when given, or null after
   * adding why there is none to {@code problems} (a type Ferry cannot write, a format that does not
   * fit the type).
   */
  static RowCoercer.Column column(
      String name,
      ColumnSource source,
      ColumnType type,
      Optional<ColumnFormat> format,
      List<String> problems) {
    if (format.isPresent() && !Coercers.fits(type, format.get())) {
      problems.add(
          "column-formats."
              + name
              + ": "
              + format.get()
              + " does not fit column "
              + name
              + " of type "
              + type.display()
              + " (it fits "
              + format.get().kind().typeNames()
              + ")");
      return null;
    }
    Optional<Coercer> coercer = Coercers.of(type, format);
    if (coercer.isEmpty()) {
      problems.add(
          "column "
              + name
              + " has type "
              + type.display()
              + ", which Ferry cannot write (it writes "
              + Coercers.SUPPORTED
              + ")");
      return null;
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
    return new RowCoercer.Column(name, type, coercer.get());
  }

  /**
   * Adds a problem for each column format that names no column the target writes (a mapped column
   * the table lacks is reported by {@link #sources} already).
   */
  static void formatsMapped(
      TargetSettings target,
      Map<String, ColumnSource> sources,
      Map<String, ColumnType> types,
      List<String> problems) {
    target
        .columnFormats()
        .keySet()
        .forEach(
            name -> {
              if (target.columns().containsKey(name) && !types.containsKey(name)) {
                return;
              }
              if (!types.containsKey(name)) {
                problems.add("column-formats." + name + ": the table has no column " + name);
              } else if (!sources.containsKey(name)) {
                problems.add(
                    "column-formats."
                        + name
                        + ": column "
                        + name
                        + " is not mapped (add it to columns)");
              }
            });
  }

  /**
   * The configured key columns, or for a change-event or upsert target mapped by name without them
   * the primary key; for an upsert, checked to be the columns of a unique index (the arbiter of
   * {@code ON CONFLICT}).
   */
  static List<String> keyColumns(
      Connection connection, TargetSettings target, boolean changeEvents, List<String> problems)
      throws SQLException {
    boolean upsert = target.mode() == PipelineSettings.Mode.UPSERT;
    // Change events are upserted and deleted by key, an upsert by its conflict target: the primary
    // key when none is configured. Plain values inserted by name need no key.
    boolean primaryByDefault =
        (changeEvents || upsert) && target.columnsByName() && target.keyColumns().isEmpty();
    if (!primaryByDefault && (!upsert || target.keyColumns().isEmpty())) {
      return target.keyColumns(); // the config's validation speaks for these
    }
    List<TableCatalog.UniqueKey> unique = TableCatalog.uniqueKeys(connection, target.table());
    if (primaryByDefault) {
      Optional<List<String>> primary = TableCatalog.primaryKey(unique);
      if (primary.isEmpty()) {
        problems.add(
            "it has no primary key to write and delete rows by: add one, or name the columns"
                + " that identify a row in key-columns (with a unique index on them)");
        return List.of();
      }
      return primary.get();
    }
    if (!TableCatalog.covers(unique, target.keyColumns())) {
      List<String> partitionKey = TableCatalog.partitionKey(connection, target.table());
      List<String> left =
          partitionKey.stream().filter(c -> !target.keyColumns().contains(c)).toList();
      if (!left.isEmpty()) {
        problems.add(
            "key-columns "
                + target.keyColumns()
                + " leave out the partition key "
                + partitionKey
                + " of this partitioned table, and an upsert needs a unique index (ON CONFLICT),"
                + " which on a partitioned table must include the partition key: add "
                + String.join(", ", left)
                + " to key-columns and to a unique index");
        return target.keyColumns();
      }
      problems.add(
          "key-columns "
              + target.keyColumns()
              + " are not the columns of its primary key or of a unique index, which an upsert"
              + " needs (ON CONFLICT): create one (CREATE UNIQUE INDEX ON "
              + target.table()
              + " ("
              + String.join(", ", target.keyColumns())
              + ")), or name the columns of an existing one");
    }
    return target.keyColumns();
  }

  static void checkVersion(
      String version,
      TargetSettings target,
      Map<String, RowCoercer.Column> columns,
      List<String> keys,
      List<String> problems) {
    RowCoercer.Column column = columns.get(version);
    if (target.mode() != PipelineSettings.Mode.UPSERT) {
      problems.add("version-column " + version + " needs mode: upsert");
    } else if (column == null) {
      problems.add("version-column " + version + " is not one of the mapped columns");
    } else if (keys.contains(version)) {
      problems.add("version-column " + version + " is a key column; name another column");
    } else if (ORDERABLE.indexOf(column.type().category()) < 0) {
      problems.add(
          "version-column "
              + version
              + " has type "
              + column.type().display()
              + ", which Ferry does not compare: use a number, a date or time, or text");
    }
  }

  /**
   * Why a metadata source can never fit its column (an {@code @topic} into an integer column, an
   * {@code @offset} into a uuid), tried on a sample value; empty when it fits or when the source's
   * values are only known per record.
   */
  static Optional<String> sourceMismatch(ColumnSource source, Coercer coercer) {
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
}
