package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cdc.TimeValues.Unit;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.util.Optional;
import java.util.Set;

/**
 * Debezium's and Connect's encodings of a row's field values into the canonical JSON the column's
 * coercer ({@code dev.ferry.coerce.Coercers.of(column)}) takes, exactly: no decimal through a
 * double, no lost microseconds, nothing rounded. With the field's Connect schema the value is read
 * by its semantic type (docs/cdc.md, "Types", has the table); without one ({@link
 * SchemalessValues}) by the column's type, following Debezium's defaults. A value already in its
 * canonical form (a string into text, a number into an integer column) passes through untouched.
 * Stateless and thread-safe.
 *
 * <p>The placeholder of an unchanged TOASTed column, {@link #UNAVAILABLE}, is not a value: test it
 * with {@link #isUnavailable} first and leave the column as stored.
 */
public final class SemanticValues {
  /** What Debezium sends for a TOASTed column an update left unchanged. */
  public static final String UNAVAILABLE = "__debezium_unavailable_value";

  /** Array element types whose values Debezium writes as the coercers read them. */
  private static final Set<String> PLAIN_ELEMENTS =
      Set.of(
          "int2",
          "int4",
          "int8",
          "float4",
          "float8",
          "bool",
          "text",
          "varchar",
          "bpchar",
          "uuid",
          "citext",
          "timestamptz");

  private SemanticValues() {}

  /** Whether {@code value} is the unchanged-TOAST placeholder. */
  public static boolean isUnavailable(JsonNode value) {
    return value != null && value.isTextual() && UNAVAILABLE.equals(value.textValue());
  }

  /**
   * {@code raw} as {@code column}'s coercer takes it; a JSON null (or null) as it is.
   *
   * @param type the field's Connect schema; empty when schemas are off
   * @throws CoercionException (reason {@code coercion-failed}) when the value cannot be read
   *     exactly, or is of a semantic type the column cannot take; the message says which and why
   */
  public static JsonNode normalize(JsonNode raw, Optional<FieldType> type, ColumnType column)
      throws CoercionException {
    if (raw == null || raw.isNull()) {
      return raw;
    }
    if (column.element().isPresent()) {
      return array(raw, column);
    }
    if (type.isEmpty()) {
      return SchemalessValues.normalize(raw, column);
    }
    Optional<String> name = type.get().name();
    if (name.isPresent()) {
      return named(raw, name.get(), type.get(), column);
    }
    return type.get().type().equals("bytes") ? BinaryValues.bytea(raw, "bytes", column) : raw;
  }

  private static JsonNode named(JsonNode raw, String name, FieldType type, ColumnType column)
      throws CoercionException {
    String shortName = name.substring(name.lastIndexOf('.') + 1);
    return switch (name) {
      case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" ->
          TimeValues.date(raw, shortName, column);
      case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time" ->
          TimeValues.time(raw, Unit.MILLIS, shortName, column);
      case "io.debezium.time.MicroTime" -> TimeValues.time(raw, Unit.MICROS, shortName, column);
      case "io.debezium.time.NanoTime" -> TimeValues.time(raw, Unit.NANOS, shortName, column);
      case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" ->
          TimeValues.timestamp(raw, Unit.MILLIS, shortName, column);
      case "io.debezium.time.MicroTimestamp" ->
          TimeValues.timestamp(raw, Unit.MICROS, shortName, column);
      case "io.debezium.time.NanoTimestamp" ->
          TimeValues.timestamp(raw, Unit.NANOS, shortName, column);
      case "io.debezium.time.ZonedTimestamp" ->
          TimeValues.zoned(raw, shortName, column, "timestamptz", "timestamp");
      case "io.debezium.time.ZonedTime" -> TimeValues.zoned(raw, shortName, column, "timetz");
      case "io.debezium.time.MicroDuration" -> TimeValues.duration(raw, shortName, column);
      case DecimalValues.DECIMAL ->
          DecimalValues.render(DecimalValues.fixed(raw, DecimalValues.scale(type)), raw, column);
      case DecimalValues.VARIABLE -> DecimalValues.render(DecimalValues.variable(raw), raw, column);
      case JsonValues.JSON -> JsonValues.json(raw, shortName, column);
      case "io.debezium.data.Bits" -> BinaryValues.bytea(raw, shortName, column);
      // Uuid, Enum, EnumSet, Xml, Interval (string mode) …: strings the coercers read
      default -> raw;
    };
  }

  private static JsonNode array(JsonNode raw, ColumnType column) throws CoercionException {
    ColumnType element = column.element().get();
    if (!PLAIN_ELEMENTS.contains(element.typname())) {
      throw new CoercionException(
          "arrays of "
              + element.display()
              + " from change events are not supported (Debezium encodes their elements)");
    }
    return raw;
  }
}
