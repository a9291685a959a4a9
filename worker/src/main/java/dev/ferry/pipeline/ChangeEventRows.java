package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cdc.ChangeEvent;
import dev.ferry.cdc.DebeziumEnvelope;
import dev.ferry.cdc.DebeziumKey;
import dev.ferry.cdc.FieldType;
import dev.ferry.cdc.SemanticValues;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.CdcSettings;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a Debezium change event into the row that applies it to the pipeline's table: {@code r},
 * {@code c} and {@code u} upsert the event's {@code after} by the key columns, {@code d} deletes by
 * the key, {@code t} follows the pipeline's {@code truncate} setting. Every row carries the event's
 * source position, so that the sink applies no change older than what its row already reflects.
 *
 * <p>Columns are mapped by name from the row image, except those the config lists (JSON Pointers
 * into the event); each value is read in its Debezium encoding ({@link SemanticValues}, from the
 * event's schema, or by the column's type without one) and coerced into its column's type. A column
 * the event does not carry, or carries as Debezium's placeholder for an unchanged TOAST value, is
 * left as stored ({@link Row#UNCHANGED}). Key values come from the record key's fields, else from
 * the row image. Thread-safe.
 */
final class ChangeEventRows {
  private final PipelineSettings settings;
  private final CdcSettings cdc;
  private final String target;
  private final RowCoercions coercions;

  /**
   * @param target the key of the pipeline's fixed table; null for a routed pipeline, whose table
   *     each record names
   */
  ChangeEventRows(PipelineSettings settings, String target, RowCoercions coercions) {
    this.settings = settings;
    this.cdc = settings.cdc().orElseThrow();
    this.target = target;
    this.coercions = coercions;
  }

  /**
   * The row of one change event; no row for a truncate under {@code truncate: skip}.
   *
   * @throws RecordFailure when the record must be dead-lettered
   */
  List<Row> rows(
      ObjectNode value, JsonNode decodedKey, ConsumerRecord<byte[], byte[]> record, Origin origin)
      throws RecordFailure {
    return rows(value, decodedKey, record, origin, target, settings.table());
  }

  /**
   * The row of one change event for the table a routed pipeline resolved for it.
   *
   * @param target the table's key ({@code PostgresSink#targetKey})
   * @param table the table, for messages
   */
  List<Row> rows(
      ObjectNode value,
      JsonNode decodedKey,
      ConsumerRecord<byte[], byte[]> record,
      Origin origin,
      String target,
      Object table)
      throws RecordFailure {
    ChangeEvent event = DebeziumEnvelope.read(value);
    return switch (event.op()) {
      case READ, CREATE, UPDATE ->
          List.of(upsert(event, key(record, decodedKey), origin, target, table));
      case DELETE -> List.of(delete(event, key(record, decodedKey), origin, target));
      case TRUNCATE -> truncate(event, origin, target, table);
    };
  }

  private List<Row> truncate(ChangeEvent event, Origin origin, String target, Object table)
      throws RecordFailure {
    return switch (cdc.truncate()) {
      case APPLY -> List.of(Row.truncate(settings.name(), target, origin).at(event.position()));
      case SKIP -> List.of();
      case DEAD_LETTER ->
          throw new RecordFailure(
              Reason.TRUNCATE,
              "a truncate event of the source table; pipeline "
                  + settings.name()
                  + " has truncate: dead-letter (set truncate: apply to delete every row of "
                  + table
                  + ", or skip to ignore truncates)");
    };
  }

  /**
   * The record key as a Debezium key: the object a registry key format decoded, else the key's JSON
   * bytes in either form.
   */
  private static DebeziumKey key(ConsumerRecord<byte[], byte[]> record, JsonNode decodedKey)
      throws RecordFailure {
    return decodedKey != null ? DebeziumKey.of(decodedKey) : DebeziumKey.read(record.key());
  }

  private Row upsert(ChangeEvent event, DebeziumKey key, Origin origin, String target, Object table)
      throws RecordFailure {
    RowCoercer coercer = coercions.current(target);
    if (cdc.unknownFields() == CdcSettings.UnknownFields.DEAD_LETTER
        && !unknownFields(event.after(), coercer).isEmpty()) {
      // The table may have gained the column since it was read: read it again (rate-limited).
      coercer = coercions.newerThan(target, coercer).orElse(coercer);
      List<String> unknown = unknownFields(event.after(), coercer);
      if (!unknown.isEmpty()) {
        throw new RecordFailure(
            Reason.UNKNOWN_FIELD,
            "the event's row has field(s) "
                + unknown
                + " but table "
                + table
                + " has no such column (it has: "
                + coercer.columnNames()
                + "); add the column(s), or set unknown-fields: ignore");
      }
    }
    try {
      return Row.insert(settings.name(), target, values(event, key, coercer), origin)
          .at(event.position());
    } catch (RecordFailure f) {
      if (f.reason() != Reason.COERCION_FAILED) {
        throw f;
      }
      RowCoercer newer = coercions.newerThan(target, coercer).orElseThrow(() -> f);
      return Row.insert(settings.name(), target, values(event, key, newer), origin)
          .at(event.position());
    }
  }

  private Row delete(ChangeEvent event, DebeziumKey key, Origin origin, String target)
      throws RecordFailure {
    RowCoercer coercer = coercions.current(target);
    List<RowCoercer.Column> keys = coercer.keyColumns();
    JsonNode[] values = new JsonNode[keys.size()];
    List<String> failures = new ArrayList<>(0);
    for (int i = 0; i < values.length; i++) {
      RowCoercer.Column column = keys.get(i);
      values[i] = keyValue(column, key, event.before(), event.beforeTypes(), failures);
    }
    fail(failures);
    return Row.delete(settings.name(), target, coercer.key(values), origin).at(event.position());
  }

  /** The SQL text of each column of {@code coercer} for an upsert of the event's row. */
  private String[] values(ChangeEvent event, DebeziumKey key, RowCoercer coercer)
      throws RecordFailure {
    List<RowCoercer.Column> columns = coercer.columns();
    JsonNode[] values = new JsonNode[columns.size()];
    boolean[] unchanged = new boolean[values.length];
    List<String> failures = new ArrayList<>(0);
    List<String> keyNames = new ArrayList<>(coercer.keyColumns().size());
    coercer.keyColumns().forEach(c -> keyNames.add(c.name()));
    for (int i = 0; i < values.length; i++) {
      RowCoercer.Column column = columns.get(i);
      if (keyNames.contains(column.name())) {
        values[i] = keyValue(column, key, event.after(), event.afterTypes(), failures);
        continue;
      }
      ColumnSource source =
          settings.columns().getOrDefault(column.name(), ColumnSource.Field.of(column.name()));
      JsonNode raw = raw(source, event);
      if (raw == null || raw.isMissingNode() || SemanticValues.isUnavailable(raw)) {
        unchanged[i] = true; // not carried, or an unchanged TOAST value: leave it as stored
        values[i] = MissingNode.getInstance();
        continue;
      }
      values[i] = normalize(column, raw, type(source, event), failures);
    }
    fail(failures);
    String[] row = coercer.row(values);
    for (int i = 0; i < row.length; i++) {
      if (unchanged[i]) {
        row[i] = Row.UNCHANGED;
      }
    }
    return row;
  }

  /** A key column's value: from the record key's field, else from the row image. */
  private static JsonNode keyValue(
      RowCoercer.Column column,
      DebeziumKey key,
      ObjectNode row,
      Map<String, FieldType> rowTypes,
      List<String> failures)
      throws RecordFailure {
    JsonNode raw = key.fields().get(column.name());
    Optional<FieldType> type = Optional.ofNullable(key.types().get(column.name()));
    if (raw == null && row != null) {
      raw = row.get(column.name());
      type = Optional.ofNullable(rowTypes.get(column.name()));
    }
    if (raw == null || raw.isNull() || SemanticValues.isUnavailable(raw)) {
      throw new RecordFailure(
          Reason.INVALID_KEY,
          "key column \""
              + column.name()
              + "\" has no value in the record key or the event's row (set key-columns to the"
              + " fields the key carries)");
    }
    return normalize(column, raw, type, failures);
  }

  private static JsonNode normalize(
      RowCoercer.Column column, JsonNode raw, Optional<FieldType> type, List<String> failures) {
    if (raw.isNull()) {
      return raw;
    }
    try {
      return SemanticValues.normalize(raw, type, column.type());
    } catch (CoercionException e) {
      failures.add(
          "column \"" + column.name() + "\" (" + column.type().display() + "): " + e.getMessage());
      return MissingNode.getInstance();
    }
  }

  private static JsonNode raw(ColumnSource source, ChangeEvent event) {
    if (source instanceof ColumnSource.Field f) {
      return event.after() == null ? null : event.after().get(f.name());
    }
    if (source instanceof ColumnSource.ValuePointer p) {
      return event.payload().at(p.pointer());
    }
    throw new IllegalStateException("a change event column reads " + source);
  }

  /** The semantic type of a by-name field, or of a pointer straight into {@code /after}. */
  private static Optional<FieldType> type(ColumnSource source, ChangeEvent event) {
    String field = null;
    if (source instanceof ColumnSource.Field f) {
      field = f.name();
    } else if (source instanceof ColumnSource.ValuePointer p
        && p.pointer().getMatchingProperty().equals("after")
        && p.pointer().tail().tail().matches()) {
      field = p.pointer().tail().getMatchingProperty();
    }
    return field == null ? Optional.empty() : Optional.ofNullable(event.afterTypes().get(field));
  }

  /** The fields of the event's row that no column takes by name. */
  private List<String> unknownFields(ObjectNode after, RowCoercer coercer) {
    if (after == null) {
      return List.of();
    }
    List<String> names = coercer.columnNames();
    TreeSet<String> unknown = new TreeSet<>();
    after
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!names.contains(field) && !explicitlyMapped(field)) {
                unknown.add(field);
              }
            });
    return List.copyOf(unknown);
  }

  /** Whether a listed column reads {@code field} of the row by a pointer such as /after/field. */
  private boolean explicitlyMapped(String field) {
    for (ColumnSource source : settings.columns().values()) {
      if (source instanceof ColumnSource.ValuePointer p
          && p.pointer().getMatchingProperty().equals("after")
          && p.pointer().tail().getMatchingProperty().equals(field)) {
        return true;
      }
    }
    return false;
  }

  private static void fail(List<String> failures) throws RecordFailure {
    if (!failures.isEmpty()) {
      throw new RecordFailure(Reason.COERCION_FAILED, String.join("; ", failures));
    }
  }
}
