package dev.ferry.coerce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.config.ColumnFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The coercion of JSON values into Postgres column types. Every coercer either returns text that
 * the column's type parses to exactly the value given, or fails with a message that says why; it
 * never rounds, truncates or guesses a time zone. Stateless.
 *
 * <ul>
 *   <li>{@code smallint}, {@code integer}, {@code bigint}: a whole JSON number (or a string holding
 *       one) within the type's range; {@code 2.0} is 2, {@code 2.5} is refused.
 *   <li>{@code numeric(p,s)}: any finite number, kept exactly (no binary floating point on the
 *       way), refused when it has more than s decimal places or more than p − s integer digits.
 *   <li>{@code real}, {@code double precision}: a finite number within the type's range.
 *   <li>{@code boolean}: {@code true}/{@code false}, or those words as strings.
 *   <li>{@code text}, {@code varchar(n)}, {@code char(n)}: strings as they are, numbers and
 *       booleans as written, objects and arrays as JSON text; refused when longer than n characters
 *       or holding a NUL character.
 *   <li>{@code uuid}: a string with 32 hex digits, with or without hyphens and braces.
 *   <li>{@code timestamptz}: an ISO-8601 date-time with an offset ({@code Z}, {@code +02:00}), or
 *       epoch milliseconds (a whole number, or a string of digits); years 1 to 9999.
 *   <li>{@code timestamp}: an ISO-8601 date-time; one with an offset is converted to UTC; epoch
 *       milliseconds are taken as UTC.
 *   <li>{@code date}: an ISO-8601 date, or epoch milliseconds (the UTC date).
 *   <li>{@code json}, {@code jsonb}: any JSON value as JSON (a string stays a JSON string); for
 *       {@code jsonb} refused when a string or a field name holds a NUL character, which jsonb
 *       cannot store ({@code json} keeps the escape as written, so it takes it).
 *   <li>{@code bytea}: binary only (a Jackson {@code BinaryNode}, as change events decode base64
 *       into), written as Postgres hex text ({@code \x…}); a JSON string is refused, since its
 *       encoding (base64? hex? text?) is unknown, unless the column declares it ({@link
 *       ColumnFormat}).
 *   <li>arrays of any of these: a JSON array, element by element.
 *   <li>enums, {@code time}, {@code timetz}, {@code interval}, {@code inet}, {@code cidr}, {@code
 *       macaddr}: a string, which Postgres parses (its refusal is an {@code invalid-value}).
 * </ul>
 *
 * A column may declare how its values are read ({@link ColumnFormat}: a bytea encoding, an epoch
 * unit, a zone for zone-less date-times, a time or interval unit, ISO-8601 durations); see {@link
 * #of(ColumnType, Optional)}.
 *
 * <p>Other types (geometric types, ranges, composite types …) have no coercer: a pipeline that maps
 * a column of such a type is refused at start and by {@code ferry check}.
 *
 * <p>This class picks the coercer of a type and holds the shapes that belong to no family
 * (booleans, arrays); the families are {@link NumberCoercers}, {@link TextCoercers} and {@link
 * TimeCoercers}.
 */
public final class Coercers {
  /** The types Ferry can write, for the message that refuses a column of any other type. */
  public static final String SUPPORTED =
      "smallint, integer, bigint, numeric, real, double precision, boolean, text, varchar, char,"
          + " uuid, timestamptz, timestamp, date, json, jsonb, bytea, enums,"
          + " time, timetz, interval, inet, cidr, macaddr, and arrays of these";

  private static final List<String> PARSED_BY_POSTGRES =
      List.of("time", "timetz", "interval", "inet", "cidr", "macaddr", "macaddr8");

  private Coercers() {}

  /** The coercer for {@code type}; empty when Ferry cannot write that type. */
  public static Optional<Coercer> of(ColumnType type) {
    if (type.element().isPresent()) {
      return of(type.element().get()).map(Coercers::array);
    }
    Coercer coercer =
        switch (type.typname()) {
          case "int2" ->
              v -> NumberCoercers.integer(v, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
          case "int4" ->
              v -> NumberCoercers.integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
          case "int8" -> v -> NumberCoercers.integer(v, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
          case "numeric" -> v -> NumberCoercers.numeric(v, type);
          case "float4" -> v -> NumberCoercers.floating(v, NumberCoercers.FLOAT4_MAX, "real");
          case "float8" -> v -> NumberCoercers.floating(v, null, "double precision");
          case "bool" -> Coercers::bool;
          case "text", "varchar", "bpchar", "citext", "name" ->
              v -> TextCoercers.text(v, type.length());
          case "uuid" -> TextCoercers::uuid;
          case "timestamptz" -> TimeCoercers::timestamptz;
          case "timestamp" -> TimeCoercers::timestamp;
          case "date" -> TimeCoercers::date;
          case "json" -> JsonNode::toString;
          case "jsonb" -> TextCoercers::jsonb;
          case "bytea" -> ByteaCoercers::binary;
          default ->
              type.category() == 'E' || PARSED_BY_POSTGRES.contains(type.typname())
                  ? TextCoercers::string
                  : null;
        };
    return Optional.ofNullable(coercer);
  }

  /**
   * The coercer for {@code type} read as {@code format} declares ({@link ColumnFormat}), element by
   * element for an array; without a format, {@link #of(ColumnType)}. Empty when Ferry cannot write
   * the type.
   *
   * @throws IllegalArgumentException when the format does not fit the type ({@link #fits})
   */
  public static Optional<Coercer> of(ColumnType type, Optional<ColumnFormat> format) {
    if (format.isEmpty()) {
      return of(type);
    }
    if (type.element().isPresent()) {
      return of(type.element().get(), format).map(Coercers::array);
    }
    ColumnFormat f = format.get();
    if (!fits(type, f)) {
      throw new IllegalArgumentException(f + " does not fit a column of type " + type.display());
    }
    Optional<Coercer> undeclared = of(type);
    return Optional.of(
        switch (f.kind()) {
          case BASE64 -> ByteaCoercers::base64;
          case HEX -> ByteaCoercers::hexText;
          case ZONE ->
              type.typname().equals("timestamptz")
                  ? v -> DeclaredTimes.zonedTimestamptz(v, f.zone().orElseThrow())
                  : v -> DeclaredTimes.zonedTimestamp(v, f.zone().orElseThrow());
          case EPOCH_SECONDS, EPOCH_MILLIS, EPOCH_MICROS, EPOCH_NANOS, EPOCH_DAYS ->
              DeclaredTimes.epoch(f.kind(), type.typname(), undeclared.orElseThrow());
          case TIME_SECONDS, TIME_MILLIS, TIME_MICROS, TIME_NANOS ->
              DeclaredTimes.timeOfDay(f.kind());
          case INTERVAL_SECONDS, INTERVAL_MILLIS, INTERVAL_MICROS ->
              IntervalCoercers.units(
                  DeclaredTimes.nanosPerUnit(f.kind()), DeclaredTimes.unitName(f.kind()));
          case ISO_8601 -> IntervalCoercers::iso;
        });
  }

  /** Whether {@code format} can read values of {@code type} (of its elements, for an array). */
  public static boolean fits(ColumnType type, ColumnFormat format) {
    ColumnType base = type.element().orElse(type);
    return format.kind().fits(base.typname());
  }

  private static String bool(JsonNode v) throws CoercionException {
    if (v.isBoolean()) {
      return Boolean.toString(v.booleanValue());
    }
    if (v.isTextual()) {
      String s = v.textValue().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return s;
      }
    }
    throw new CoercionException("expected true or false, got " + kind(v) + " " + show(v));
  }

  private static Coercer array(Coercer element) {
    return v -> {
      if (!v.isArray()) {
        throw new CoercionException("expected a JSON array, got " + kind(v) + " " + show(v));
      }
      StringBuilder literal = new StringBuilder("{");
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          literal.append(',');
        }
        JsonNode e = v.get(i);
        if (e.isNull()) {
          literal.append("NULL");
          continue;
        }
        String text;
        try {
          text = element.apply(e);
        } catch (CoercionException failure) {
          throw new CoercionException(
              "element " + i + ": " + failure.getMessage(), failure.reason());
        }
        literal.append('"');
        for (int c = 0; c < text.length(); c++) {
          char ch = text.charAt(c);
          if (ch == '"' || ch == '\\') {
            literal.append('\\');
          }
          literal.append(ch);
        }
        literal.append('"');
      }
      return literal.append('}').toString();
    };
  }

  /** How a message names the JSON type of {@code v}: "an object", "a string" … */
  static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case BINARY -> "binary";
      default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The value for a message, cut short when long. */
  static String show(JsonNode v) {
    String s = v.isBigDecimal() ? v.decimalValue().toString() : v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
