package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import dev.ferry.cdc.TimeValues.Unit;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;

/**
 * Field values without their Connect schema (the converter's {@code schemas.enable=false}), read by
 * the target column's type as Debezium's PostgreSQL connector writes them by default ({@code
 * time.precision.mode=adaptive}, {@code decimal.handling.mode=precise}, {@code
 * binary.handling.mode=bytes}, {@code interval.handling.mode=numeric}):
 *
 * <ul>
 *   <li>{@code date}: a number is days since 1970-01-01.
 *   <li>{@code time(p)}, {@code timestamp(p)}: a number is milliseconds when p ≤ 3, microseconds
 *       otherwise (p is 6 when the column names none).
 *   <li>{@code numeric(p,s)}: a string is base64 bytes at the column's scale s, or a decimal
 *       ({@code decimal.handling.mode=string}); one that reads both ways is refused.
 *   <li>unconstrained {@code numeric}: the struct {@code {scale, value}}, or a decimal string.
 *   <li>{@code json}, {@code jsonb}: a string is JSON text.
 *   <li>{@code bytea}: a string is base64.
 *   <li>{@code interval}: a number is microseconds.
 * </ul>
 *
 * Anything else passes through to the coercer as it is (strings into text, uuid, timestamptz,
 * timetz …; numbers into number columns; numbers into numeric from {@code
 * decimal.handling.mode=double}). Stateless.
 */
final class SchemalessValues {
  private static final String NO_SCHEMA = " (without schemas)";

  private SchemalessValues() {}

  static JsonNode normalize(JsonNode raw, ColumnType column) throws CoercionException {
    return switch (column.typname()) {
      case "date" -> raw.isNumber() ? TimeValues.date(raw, "date" + NO_SCHEMA, column) : raw;
      case "time" ->
          raw.isNumber() ? TimeValues.time(raw, unit(column), "time" + NO_SCHEMA, column) : raw;
      case "timestamp" ->
          raw.isNumber()
              ? TimeValues.timestamp(raw, unit(column), "timestamp" + NO_SCHEMA, column)
              : raw;
      case "interval" ->
          raw.isNumber() ? TimeValues.duration(raw, "interval" + NO_SCHEMA, column) : raw;
      case "numeric" -> numeric(raw, column);
      case "json", "jsonb" ->
          raw.isTextual() ? JsonValues.json(raw, "json" + NO_SCHEMA, column) : raw;
      case "bytea" -> BinaryValues.bytea(raw, "bytes" + NO_SCHEMA, column);
      default -> raw;
    };
  }

  /** Debezium's adaptive precision: milliseconds up to 3 digits, microseconds up to 6. */
  private static Unit unit(ColumnType column) {
    return column.precision() >= 0 && column.precision() <= 3 ? Unit.MILLIS : Unit.MICROS;
  }

  private static JsonNode numeric(JsonNode raw, ColumnType column) throws CoercionException {
    if (raw.isObject()) {
      return DecimalValues.render(DecimalValues.variable(raw), raw, column);
    }
    if (!raw.isTextual()) {
      return raw; // a number: decimal.handling.mode=double, or a plain value
    }
    String s = raw.textValue();
    boolean decimal = DecimalValues.isDecimalText(s);
    boolean bytes = column.precision() >= 0 && DecimalValues.isBase64(s);
    if (decimal && bytes) {
      throw new CoercionException(
          "\""
              + s
              + "\" reads both as a decimal and as base64 bytes, and without schemas Ferry"
              + " cannot tell decimal.handling.mode=string from precise: turn the converter's"
              + " schemas on (value.converter.schemas.enable=true)");
    }
    if (decimal) {
      return new DecimalNode(new java.math.BigDecimal(s));
    }
    if (bytes) {
      return DecimalValues.render(DecimalValues.fixed(raw, column.scale()), raw, column);
    }
    throw new CoercionException(
        "\""
            + Targets.show(raw)
            + "\" is neither a decimal nor, for "
            + column.display()
            + ", base64 bytes; without schemas Ferry reads decimals exactly only with"
            + " decimal.handling.mode=string or schemas on (value.converter.schemas.enable=true)");
  }
}
