package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.CdcSettings;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.TargetSettings;
import dev.ferry.ddl.ColumnNames;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Maps a plain value onto a table whose columns are mapped by name ({@code columns-by-name}): a
 * listed column takes its configured source; every other column {@code c} of the table takes the
 * value's top-level field {@code c}, else the field whose snake_case form ({@link
 * ColumnNames#snakeCase}) is {@code c}. A column whose field the record lacks is left out of the
 * row ({@link Row#UNCHANGED}: its default on insert, its stored value on upsert); a key column's
 * absent field is NULL, which the table refuses as it would a listed column's. A top-level field no
 * column takes is ignored, or dead-lettered (reason {@code unknown-field}) under {@code
 * unknown-fields: dead-letter}, after the table's definition was read again in case it gained the
 * column. Thread-safe.
 */
final class ByNameRows {
  /** How many field names' snake_case forms are remembered; more are computed each time. */
  private static final int MAX_SNAKE_CACHE = 4096;

  private final String pipeline;
  private final TargetSettings target;
  private final CdcSettings.UnknownFields unknownFields;
  private final RowCoercions coercions;

  /** The top-level fields the listed columns' pointers read: never unknown. */
  private final Set<String> listedFields = new HashSet<>();

  private final Map<String, Plan> plans = new ConcurrentHashMap<>();
  private final Map<String, String> snake = new ConcurrentHashMap<>();

  /**
   * How one snapshot of a table's columns is filled.
   *
   * @param byName column index by name, for the columns mapped by name
   * @param listedIndexes the index of each listed column, in {@code listed}'s order
   * @param keys which columns are key columns
   */
  private record Plan(
      RowCoercer coercer,
      Map<String, Integer> byName,
      int[] listedIndexes,
      RowMapper listed,
      boolean[] keys) {}

  ByNameRows(
      String pipeline,
      TargetSettings target,
      CdcSettings.UnknownFields unknownFields,
      RowCoercions coercions) {
    this.pipeline = pipeline;
    this.target = target;
    this.unknownFields = unknownFields;
    this.coercions = coercions;
    for (ColumnSource source : target.columns().values()) {
      if (source instanceof ColumnSource.ValuePointer p && !p.pointer().matches()) {
        listedFields.add(p.pointer().getMatchingProperty());
      }
    }
  }

  /**
   * The row of one value for the table known by {@code key}.
   *
   * @param table the table's name, for messages
   * @throws RecordFailure a value its column refuses, or an unknown field under dead-letter
   */
  Row row(
      String key,
      Object table,
      JsonNode value,
      JsonNode decodedKey,
      ConsumerRecord<byte[], byte[]> record,
      Origin origin)
      throws RecordFailure {
    RowCoercer coercer = coercions.current(key);
    try {
      return build(key, table, plan(key, coercer), value, decodedKey, record, origin);
    } catch (RecordFailure f) {
      if (f.reason() != Reason.COERCION_FAILED && f.reason() != Reason.UNKNOWN_FIELD) {
        throw f;
      }
      // The table may have changed (a type, a new column) since it was read: read it again.
      Optional<RowCoercer> newer = coercions.newerThan(key, coercer);
      if (newer.isEmpty()) {
        throw f;
      }
      return build(key, table, plan(key, newer.get()), value, decodedKey, record, origin);
    }
  }

  private Plan plan(String key, RowCoercer coercer) {
    Plan plan = plans.get(key);
    if (plan != null && plan.coercer() == coercer) {
      return plan;
    }
    List<String> names = coercer.columnNames();
    Map<String, Integer> byName = new HashMap<>();
    List<ColumnSource> listed = new ArrayList<>();
    List<Integer> listedIndexes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ColumnSource source = target.columns().get(names.get(i));
      if (source == null) {
        byName.put(names.get(i), i);
      } else {
        listed.add(source);
        listedIndexes.add(i);
      }
    }
    boolean[] keys = new boolean[names.size()];
    coercer.keyColumns().forEach(k -> keys[names.indexOf(k.name())] = true);
    plan =
        new Plan(
            coercer,
            Map.copyOf(byName),
            listedIndexes.stream().mapToInt(Integer::intValue).toArray(),
            new RowMapper(listed),
            keys);
    plans.put(key, plan);
    return plan;
  }

  private Row build(
      String key,
      Object table,
      Plan plan,
      JsonNode value,
      JsonNode decodedKey,
      ConsumerRecord<byte[], byte[]> record,
      Origin origin)
      throws RecordFailure {
    JsonNode[] values = new JsonNode[plan.keys().length];
    JsonNode[] listed = plan.listed().map(value, record, decodedKey);
    for (int j = 0; j < listed.length; j++) {
      values[plan.listedIndexes()[j]] = listed[j];
    }
    boolean[] byName = new boolean[values.length];
    List<String> unknown = fill(plan, value, values, byName);
    if (!unknown.isEmpty() && unknownFields == CdcSettings.UnknownFields.DEAD_LETTER) {
      throw new RecordFailure(
          Reason.UNKNOWN_FIELD,
          "the value has field(s) "
              + unknown
              + " but table "
              + table
              + " has no column for them (it has: "
              + plan.coercer().columnNames()
              + "); add the column(s), or set unknown-fields: ignore");
    }
    boolean[] unchanged = new boolean[values.length];
    for (Map.Entry<String, Integer> column : plan.byName().entrySet()) {
      int i = column.getValue();
      if (!byName[i]) {
        unchanged[i] = !plan.keys()[i];
        values[i] = plan.keys()[i] ? NullNode.instance : MissingNode.getInstance();
      }
    }
    String[] row = plan.coercer().row(values);
    for (int i = 0; i < row.length; i++) {
      if (unchanged[i]) {
        row[i] = Row.UNCHANGED;
      }
    }
    return Row.insert(pipeline, key, row, origin);
  }

  /**
   * Puts each top-level field into the column that takes it by name, an exact name first; marks
   * those columns in {@code filled}.
   *
   * @return the fields no column takes, sorted
   */
  private List<String> fill(Plan plan, JsonNode value, JsonNode[] values, boolean[] filled) {
    if (value == null || !value.isObject()) {
      return List.of();
    }
    List<Map.Entry<String, JsonNode>> inexact = null;
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      Integer i = plan.byName().get(field.getKey());
      if (i != null) {
        values[i] = field.getValue();
        filled[i] = true;
      } else {
        inexact = inexact == null ? new ArrayList<>(2) : inexact;
        inexact.add(field);
      }
    }
    if (inexact == null) {
      return List.of();
    }
    TreeSet<String> unknown = null;
    for (Map.Entry<String, JsonNode> field : inexact) {
      Integer i = plan.byName().get(snake(field.getKey()));
      if (i != null && !filled[i]) {
        values[i] = field.getValue();
        filled[i] = true;
      } else if (!listedFields.contains(field.getKey())) {
        unknown = unknown == null ? new TreeSet<>() : unknown;
        unknown.add(field.getKey());
      }
    }
    return unknown == null ? List.of() : List.copyOf(unknown);
  }

  private String snake(String field) {
    String known = snake.get(field);
    if (known != null) {
      return known;
    }
    String computed = ColumnNames.snakeCase(field);
    if (snake.size() < MAX_SNAKE_CACHE) {
      snake.put(field, computed);
    }
    return computed;
  }
}
