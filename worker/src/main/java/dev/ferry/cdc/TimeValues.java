package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Debezium's and Connect's temporal encodings into the ISO text the column's coercer (or Postgres)
 * reads: dates as days since 1970-01-01, times of day and zone-less timestamps in milliseconds,
 * microseconds or nanoseconds, durations in microseconds. Exact: a value with more digits than
 * Postgres keeps (nanoseconds into a {@code time} or {@code timestamp}) is refused, not rounded.
 * Stateless.
 */
final class TimeValues {
  static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

  private TimeValues() {}

  /** The unit of an encoded time of day or timestamp, in nanoseconds. */
  enum Unit {
    MILLIS(1_000_000L),
    MICROS(1_000L),
    NANOS(1L);

    final long nanos;

    Unit(long nanos) {
      this.nanos = nanos;
    }
  }

  /** Days since 1970-01-01 into {@code date} (or text). */
  static JsonNode date(JsonNode raw, String semantic, ColumnType column) throws CoercionException {
    long days = whole(raw, semantic);
    if (!Targets.is(column, "date") && !Targets.isText(column)) {
      throw Targets.refuse(semantic, raw, column);
    }
    try {
      LocalDate date = LocalDate.ofEpochDay(days);
      return new TextNode(inYears(date.getYear(), raw, date.toString()));
    } catch (DateTimeException e) {
      throw new CoercionException(raw + " days since 1970-01-01 is not a date");
    }
  }

  /** A time of day since midnight in {@code unit} into {@code time} (or text). */
  static JsonNode time(JsonNode raw, Unit unit, String semantic, ColumnType column)
      throws CoercionException {
    long value = whole(raw, semantic);
    if (!Targets.is(column, "time") && !Targets.isText(column)) {
      throw Targets.refuse(semantic, raw, column);
    }
    if (value < 0 || value > NANOS_PER_DAY / unit.nanos) {
      throw new CoercionException(raw + " is not a time of day in " + unit.name().toLowerCase());
    }
    long nanos = value * unit.nanos;
    if (nanos == NANOS_PER_DAY) {
      return new TextNode("24:00:00"); // Postgres' end of day, which LocalTime cannot hold
    }
    keepsMicros(nanos, raw, column);
    return new TextNode(DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.ofNanoOfDay(nanos)));
  }

  /**
   * A zone-less timestamp in {@code unit} since the epoch into {@code timestamp} as it is, into
   * {@code timestamptz} as UTC (or text).
   */
  static JsonNode timestamp(JsonNode raw, Unit unit, String semantic, ColumnType column)
      throws CoercionException {
    long value = whole(raw, semantic);
    boolean zoned = Targets.is(column, "timestamptz");
    if (!zoned && !Targets.is(column, "timestamp") && !Targets.isText(column)) {
      throw Targets.refuse(semantic, raw, column);
    }
    long perSecond = 1_000_000_000L / unit.nanos;
    long seconds = Math.floorDiv(value, perSecond);
    long nanos = Math.floorMod(value, perSecond) * unit.nanos;
    keepsMicros(nanos, raw, column);
    LocalDateTime local;
    try {
      local = LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new CoercionException(raw + " is out of range as a timestamp");
    }
    String text = inYears(local.getYear(), raw, LOCAL.format(local));
    return new TextNode(zoned ? text + "Z" : text);
  }

  /** Debezium's ISO text with an offset ({@code ZonedTimestamp}, {@code ZonedTime}): as it is. */
  static JsonNode zoned(JsonNode raw, String semantic, ColumnType column, String... typnames)
      throws CoercionException {
    if (!raw.isTextual()) {
      throw new CoercionException("a " + semantic + " value must be a string, got " + raw);
    }
    for (String typname : typnames) {
      if (Targets.is(column, typname)) {
        return raw;
      }
    }
    if (Targets.isText(column)) {
      return raw;
    }
    throw Targets.refuse(semantic, raw, column);
  }

  /**
   * Microseconds into {@code interval}, as seconds with six decimals. Debezium counts a month as
   * 30.4375 days and a year as 365.25, so months and years of the source come back as hours.
   */
  static JsonNode duration(JsonNode raw, String semantic, ColumnType column)
      throws CoercionException {
    long micros = whole(raw, semantic);
    if (!Targets.is(column, "interval") && !Targets.isText(column)) {
      throw Targets.refuse(semantic, raw, column);
    }
    return new TextNode(BigDecimal.valueOf(micros, 6).toPlainString() + " seconds");
  }

  private static long whole(JsonNode raw, String semantic) throws CoercionException {
    if (!raw.isIntegralNumber() || !raw.canConvertToLong()) {
      throw new CoercionException(
          "a " + semantic + " value must be a whole number, got " + Targets.show(raw));
    }
    return raw.longValue();
  }

  /** Postgres keeps microseconds: sub-microsecond digits would be rounded, so they are refused. */
  private static void keepsMicros(long nanos, JsonNode raw, ColumnType column)
      throws CoercionException {
    if (nanos % 1_000 != 0 && !Targets.isText(column)) {
      throw new CoercionException(
          raw
              + " has nanoseconds, and "
              + column.display()
              + " keeps microseconds (Ferry does not round)");
    }
  }

  private static String inYears(int year, JsonNode raw, String text) throws CoercionException {
    if (year < 1 || year > 9999) {
      throw new CoercionException(raw + " (" + text + ") is outside the years 1 to 9999");
    }
    return text;
  }
}
