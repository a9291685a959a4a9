package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.ValueFormat;
import dev.ferry.metrics.SkipReason;
import dev.ferry.sink.Origin;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.Row;
import dev.ferry.spi.RecordTransform;
import dev.ferry.spi.TransformedRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One configured pipeline, ready to turn decoded records into rows: validates the value against the
 * pipeline's JSON Schema, passes it through the pipeline's transform (if it names one), maps each
 * resulting value onto its target table's columns and coerces the values into the columns' types. A
 * value its column's type refuses is tried once more against the table's current definition when
 * that is newer (after an {@code ALTER TABLE … ALTER COLUMN … TYPE}), before the record fails. A
 * pipeline whose table is a template routes each record to the table it resolves to ({@link
 * TableRoute}); a table mapped by name takes each column from the field of its name ({@link
 * ByNameRows}). Thread-safe when its transform is.
 */
public final class Pipeline {
  private final PipelineSettings settings;
  private final Optional<SchemaValidator> schema;
  private final Optional<RecordTransform> transform;
  private final Target primary;
  private final Map<TableName, Target> targets = new LinkedHashMap<>();
  private final RowCoercions coercions;
  private final Optional<ChangeEventRows> changeEvents;
  private final Formats formats;
  private final ValueFormat values;
  private final boolean readsKey;
  private final Optional<TableRoute> route;
  private final SchemaFollower follower;

  /**
   * One table of the pipeline: its writer key (null for a routed table), column mapping, and its
   * key columns' indexes among the listed ones (for a transform's deletes).
   */
  private record Target(
      String key,
      RowMapper mapper,
      TableName table,
      List<String> keyNames,
      int[] keyIndexes,
      Optional<ByNameRows> byName) {
    Target at(String resolvedKey, TableName resolved) {
      return new Target(resolvedKey, mapper, resolved, keyNames, keyIndexes, byName);
    }
  }

  /**
   * @param coercers by {@link PostgresSink#targetKey}, for every table of the pipeline
   * @param transform the configured transform the pipeline names, if it names one
   */
  public Pipeline(
      PipelineSettings settings,
      Map<String, RowCoercer> coercers,
      Optional<RecordTransform> transform) {
    this(settings, RowCoercions.fixed(coercers), transform);
  }

  /**
   * @param coercions by {@link PostgresSink#targetKey}, for every table of the pipeline; the
   *     current ones are used for each record
   * @param transform the configured transform the pipeline names, if it names one
   */
  public Pipeline(
      PipelineSettings settings, RowCoercions coercions, Optional<RecordTransform> transform) {
    this(settings, coercions, transform, Formats.JSON);
  }

  /**
   * A pipeline with a fixed table, as {@link #Pipeline(PipelineSettings, RowCoercions, Optional,
   * Formats, PipelineRouting)}.
   */
  public Pipeline(
      PipelineSettings settings,
      RowCoercions coercions,
      Optional<RecordTransform> transform,
      Formats formats) {
    this(settings, coercions, transform, formats, PipelineRouting.NONE);
  }

  /**
   * @param coercions by {@link PostgresSink#targetKey}, for every fixed table of the pipeline and
   *     every routed table {@code routing} finds; the current ones are used for each record
   * @param transform the configured transform the pipeline names, if it names one
   * @param formats how the pipeline reads values and keys
   * @param routing where a routed pipeline's tables are found, and how tables follow schemas
   */
  public Pipeline(
      PipelineSettings settings,
      RowCoercions coercions,
      Optional<RecordTransform> transform,
      Formats formats,
      PipelineRouting routing) {
    this.settings = settings;
    this.formats = formats;
    this.values = MappedFields.reader(settings, formats.value());
    this.coercions = coercions;
    this.schema = settings.schema().map(file -> SchemaValidator.load(java.nio.file.Path.of(file)));
    this.transform = transform;
    this.follower =
        new SchemaFollower(
            settings, routing.schemas(), routing.provisioner(), routing.tables(), coercions);
    for (TargetSettings t : settings.allTargets()) {
      String key = settings.routed() ? null : PostgresSink.targetKey(settings.name(), t.table());
      if (key != null && !coercions.has(key)) {
        throw new IllegalArgumentException("no column types for " + key);
      }
      List<String> names = List.copyOf(t.columns().keySet());
      int[] keyIndexes = t.keyColumns().stream().mapToInt(names::indexOf).toArray();
      Optional<ByNameRows> byName =
          t.columnsByName() && settings.cdc().isEmpty()
              ? Optional.of(new ByNameRows(settings.name(), t, settings.unknownFields(), coercions))
              : Optional.empty();
      targets.put(
          t.table(),
          new Target(
              key,
              new RowMapper(List.copyOf(t.columns().values())),
              t.table(),
              t.keyColumns(),
              keyIndexes,
              byName));
    }
    this.primary = targets.get(settings.table());
    this.route =
        settings.routed()
            ? Optional.of(
                new TableRoute(settings, routing.topicPattern(), routing.tables(), follower))
            : Optional.empty();
    this.changeEvents =
        settings.cdc().map(cdc -> new ChangeEventRows(settings, primary.key(), coercions));
    this.readsKey =
        settings.cdc().isPresent()
            || settings.tombstones() == PipelineSettings.Tombstones.DELETE
            || settings.allTargets().stream()
                .flatMap(t -> t.columns().values().stream())
                .anyMatch(source -> source instanceof ColumnSource.Key);
  }

  /**
   * The record value as the pipeline's format reads it: only the fields its columns read, when
   * nothing else (schema, transform, envelope) sees the value.
   *
   * @throws RecordFailure the value's own fault: it is dead-lettered
   * @throws RegistryUnavailableException the registry could not be asked: transient
   */
  public ObjectNode decode(byte[] value) throws RecordFailure, RegistryUnavailableException {
    return values.decode(value);
  }

  /**
   * The record key as a registry key format reads it, when the pipeline reads keys at all.
   *
   * @return null when keys are text (read from their bytes where needed), the pipeline reads no
   *     key, or the record has none
   */
  public JsonNode decodeKey(ConsumerRecord<byte[], byte[]> record)
      throws RecordFailure, RegistryUnavailableException {
    if (formats.key().isEmpty() || !readsKey || record.key() == null) {
      return null;
    }
    return formats.key().get().decode(record.key());
  }

  public String name() {
    return settings.name();
  }

  public PipelineSettings settings() {
    return settings;
  }

  /**
   * The rows of one record with a value, in the order to write them; empty when the transform gave
   * none.
   *
   * @throws RecordFailure when the record must be dead-lettered
   */
  public List<Row> rows(ObjectNode value, ConsumerRecord<byte[], byte[]> record, Origin origin)
      throws RecordFailure {
    return rows(value, null, record, origin);
  }

  /**
   * The rows of one record with a value, in the order to write them; empty when the transform gave
   * none.
   *
   * @param key the key {@link #decodeKey} gave, or null
   * @throws RecordFailure when the record must be dead-lettered
   */
  public List<Row> rows(
      ObjectNode value, JsonNode key, ConsumerRecord<byte[], byte[]> record, Origin origin)
      throws RecordFailure {
    if (changeEvents.isPresent()) {
      if (route.isPresent()) {
        TableRoute.Routed routed = route.get().route(record, value, true);
        String target = routed.target();
        follower.widen(target, routed.table(), record, value);
        return changeEvents.get().rows(value, key, record, origin, target, routed.table());
      }
      follower.widen(primary.key(), primary.table(), record, value);
      return changeEvents.get().rows(value, key, record, origin);
    }
    if (schema.isPresent()) {
      schema.get().validate(value);
    }
    if (transform.isEmpty()) {
      Target target = primary;
      if (route.isPresent()) {
        TableRoute.Routed routed = route.get().route(record, value, true);
        target = primary.at(routed.target(), routed.table());
      }
      return List.of(row(target, value, key, record, origin));
    }
    List<TransformedRow> out = TransformCall.apply(transform.get(), value, record);
    List<Row> rows = new ArrayList<>(out.size());
    for (TransformedRow r : out) {
      Optional<TableName> table = TableName.parse(r.table());
      Target target = table.map(targets::get).orElse(null);
      if (target == null) {
        throw new RecordFailure(
            Reason.TRANSFORM_FAILED,
            "transform "
                + transform.get().name()
                + " wrote a row to table '"
                + r.table()
                + "', which is not a table of pipeline "
                + name()
                + " (its tables: "
                + targets.keySet()
                + ")");
      }
      rows.add(
          r.op() == TransformedRow.Op.DELETE
              ? delete(target, r, key, record, origin)
              : row(target, r.value(), key, record, origin));
    }
    return rows;
  }

  /** Why a record with a value that gave no row was skipped, for the skipped-records counter. */
  public SkipReason emptyReason() {
    // A change event gives no row only as a truncate under truncate: skip.
    return changeEvents.isPresent() ? SkipReason.TRUNCATE : SkipReason.NO_ROWS;
  }

  /** The row that deletes by the record key from the pipeline's own table (a tombstone). */
  public Row delete(ConsumerRecord<byte[], byte[]> record, Origin origin) throws RecordFailure {
    return delete(record, null, origin);
  }

  /**
   * The row that deletes by the record key from the pipeline's own table (a tombstone).
   *
   * @param key the key {@link #decodeKey} gave, or null
   */
  public Row delete(ConsumerRecord<byte[], byte[]> record, JsonNode key, Origin origin)
      throws RecordFailure {
    Target target = primary;
    if (route.isPresent()) {
      TableRoute.Routed routed = route.get().route(record, null, false);
      target = primary.at(routed.target(), routed.table());
    }
    return deleteRow(target, KeyValues.extract(record.key(), key, settings.keyColumns()), origin);
  }

  /** The delete of {@code target}'s rows whose key columns equal {@code values}, coerced. */
  private Row deleteRow(Target target, JsonNode[] values, Origin origin) throws RecordFailure {
    RowCoercer coercer = coercions.current(target.key());
    String[] key;
    try {
      key = coercer.key(values);
    } catch (RecordFailure f) {
      key = newer(target, coercer, f).key(values);
    }
    return Row.delete(name(), target.key(), key, origin);
  }

  /**
   * The delete a transform asked for: the key columns' values read from its value like a row's.
   *
   * @throws RecordFailure when the table has no key columns to delete by
   */
  private Row delete(
      Target target,
      TransformedRow r,
      JsonNode key,
      ConsumerRecord<byte[], byte[]> record,
      Origin origin)
      throws RecordFailure {
    if (target.keyIndexes().length == 0) {
      throw new RecordFailure(
          Reason.TRANSFORM_FAILED,
          "transform "
              + transform.orElseThrow().name()
              + " deleted from table "
              + target.table()
              + ", which has no key-columns to delete by");
    }
    JsonNode[] mapped = target.mapper().map(r.value(), record, key);
    JsonNode[] values = new JsonNode[target.keyIndexes().length];
    for (int i = 0; i < values.length; i++) {
      values[i] = mapped[target.keyIndexes()[i]];
      if (values[i] == null || values[i].isMissingNode() || values[i].isNull()) {
        throw new RecordFailure(
            Reason.TRANSFORM_FAILED,
            "transform "
                + transform.orElseThrow().name()
                + " deleted from table "
                + target.table()
                + " without a value for key column "
                + target.keyNames().get(i));
      }
    }
    return deleteRow(target, values, origin);
  }

  private Row row(
      Target target,
      JsonNode value,
      JsonNode key,
      ConsumerRecord<byte[], byte[]> record,
      Origin origin)
      throws RecordFailure {
    if (target.byName().isPresent()) {
      follower.widen(target.key(), target.table(), record, value);
      return target.byName().get().row(target.key(), target.table(), value, key, record, origin);
    }
    JsonNode[] values = target.mapper().map(value, record, key);
    RowCoercer coercer = coercions.current(target.key());
    String[] row;
    try {
      row = coercer.row(values);
    } catch (RecordFailure f) {
      row = newer(target, coercer, f).row(values);
    }
    return Row.insert(name(), target.key(), row, origin);
  }

  /**
   * The coercion to try again with after {@code failed} refused a value: the table's newer
   * definition, if it has one.
   *
   * @throws RecordFailure {@code failure}, when it is not about types or nothing newer is known
   */
  private RowCoercer newer(Target target, RowCoercer failed, RecordFailure failure)
      throws RecordFailure {
    if (failure.reason() != Reason.COERCION_FAILED) {
      throw failure; // a NUL character: no column type takes it
    }
    return coercions.newerThan(target.key(), failed).orElseThrow(() -> failure);
  }
}
