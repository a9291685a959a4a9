package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.config.ColumnFormat;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The coercers of date and time columns whose reading is declared in {@code column-formats}:
 *
 * <ul>
 *   <li>{@code epoch-seconds|millis|micros|nanos} on {@code timestamptz}, {@code timestamp}, {@code
 *       date}: a number (or a string holding a decimal number) is that many units since
 *       1970-01-01T00:00:00Z, read exactly (a fraction is taken down to the nanosecond, finer is
 *       refused); a {@code timestamp} gets its UTC wall time, a {@code date} its UTC date. Any
 *       other text is read as without a declaration (ISO-8601).
 *   <li>{@code epoch-days}: a whole number of days; midnight UTC for the timestamp types.
 *   <li>{@code zone:Z} on {@code timestamptz}: a date-time text without an offset is a wall time in
 *       Z, refused when Z skips it (a DST gap) or passes it twice (a DST overlap); on {@code
 *       timestamp}: an instant (text with an offset, epoch milliseconds) is written as its wall
 *       time in Z instead of UTC, and a text without an offset is kept as it is.
 *   <li>{@code time-seconds|millis|micros|nanos} on {@code time}: a number of the unit since
 *       midnight, 0 up to (not including) a day; numbers only.
 * </ul>
 *
 * Ferry's arithmetic is exact to the nanosecond; Postgres keeps microseconds (or the column's
 * precision) and rounds the rest, as it does for ISO-8601 text. Stateless.
 */
final class DeclaredTimes {
  /** The epoch days of 0001-01-01 and 9999-12-31, the dates Ferry writes. */
  private static final long EPOCH_DAY_MIN = LocalDate.of(1, 1, 1).toEpochDay();

  private static final long EPOCH_DAY_MAX = LocalDate.of(9999, 12, 31).toEpochDay();

  private DeclaredTimes() {}

  /** The coercer of {@code typname} ({@code timestamptz}, {@code timestamp}, {@code date}). */
  static Coercer epoch(ColumnFormat.Kind kind, String typname, Coercer undeclared) {
    if (kind == ColumnFormat.Kind.EPOCH_DAYS) {
      return v -> {
        if (!UnitNumbers.isNumber(v)) {
          return undeclared.apply(v);
        }
        long days = UnitNumbers.whole(v, "epoch days");
        if (days < EPOCH_DAY_MIN || days > EPOCH_DAY_MAX) {
          throw new CoercionException(show(v) + " is outside the years 1 to 9999");
        }
        return write(LocalDate.ofEpochDay(days).atStartOfDay().toInstant(ZoneOffset.UTC), typname);
      };
    }
    long nanosPerUnit = nanosPerUnit(kind);
    String unit = unitName(kind);
    return v -> {
      if (!UnitNumbers.isNumber(v)) {
        return undeclared.apply(v);
      }
      BigInteger nanos = UnitNumbers.nanos(v, nanosPerUnit, unit);
      BigInteger[] split =
          nanos.divideAndRemainder(BigInteger.valueOf(UnitNumbers.NANOS_PER_SECOND));
      if (split[0].bitLength() > 40) {
        throw new CoercionException(show(v) + " is outside the years 1 to 9999");
      }
      Instant instant = Instant.ofEpochSecond(split[0].longValue(), split[1].longValue());
      return write(TimeCoercers.inRange(instant, v), typname);
    };
  }

  private static String write(Instant instant, String typname) {
    return switch (typname) {
      case "timestamptz" -> instant.toString();
      case "timestamp" -> LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
      default -> LocalDate.ofInstant(instant, ZoneOffset.UTC).toString();
    };
  }

  /** {@code zone:Z} on a {@code timestamptz} column: zone-less text is a wall time in Z. */
  static String zonedTimestamptz(JsonNode v, ZoneId zone) throws CoercionException {
    Optional<LocalDateTime> local = localText(v);
    if (local.isEmpty()) {
      return TimeCoercers.timestamptz(v);
    }
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local.get());
    if (offsets.size() != 1) {
      throw new CoercionException(
          show(v)
              + (offsets.isEmpty()
                  ? " does not exist in " + zone.getId() + " (the clocks skip it)"
                  : " happens twice in "
                      + zone.getId()
                      + " (at "
                      + offsets.get(0)
                      + " and "
                      + offsets.get(1)
                      + ")")
              + ": add an offset to say which instant it is");
    }
    return TimeCoercers.inRange(local.get().toInstant(offsets.get(0)), v).toString();
  }

  /** {@code zone:Z} on a {@code timestamp} column: instants become wall times in Z. */
  static String zonedTimestamp(JsonNode v, ZoneId zone) throws CoercionException {
    if (localText(v).isPresent()) {
      return TimeCoercers.timestamp(v);
    }
    Instant instant = Instant.parse(TimeCoercers.timestamptz(v));
    LocalDateTime wall = LocalDateTime.ofInstant(instant, zone);
    if (wall.getYear() < 1 || wall.getYear() > 9999) {
      throw new CoercionException(show(v) + " is outside the years 1 to 9999 in " + zone.getId());
    }
    return wall.toString();
  }

  /** A {@code time} column's value as a number of {@code kind}'s unit since midnight. */
  static Coercer timeOfDay(ColumnFormat.Kind kind) {
    long nanosPerUnit = nanosPerUnit(kind);
    String unit = unitName(kind);
    BigInteger day = BigInteger.valueOf(UnitNumbers.NANOS_PER_DAY);
    return v -> {
      BigInteger nanos = UnitNumbers.nanos(v, nanosPerUnit, unit);
      if (nanos.signum() < 0 || nanos.compareTo(day) >= 0) {
        throw new CoercionException(
            show(v) + " " + unit + " is not a time of day (0 up to one day, not including it)");
      }
      return LocalTime.ofNanoOfDay(nanos.longValue()).toString();
    };
  }

  /** The date-time a zone-less ISO-8601 text spells; empty for anything else. */
  private static Optional<LocalDateTime> localText(JsonNode v) {
    if (!v.isTextual()) {
      return Optional.empty();
    }
    String s = v.textValue();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      return Optional.of(LocalDateTime.parse(s));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  static long nanosPerUnit(ColumnFormat.Kind kind) {
    return switch (kind) {
      case EPOCH_SECONDS, TIME_SECONDS, INTERVAL_SECONDS -> UnitNumbers.NANOS_PER_SECOND;
      case EPOCH_MILLIS, TIME_MILLIS, INTERVAL_MILLIS -> 1_000_000L;
      case EPOCH_MICROS, TIME_MICROS, INTERVAL_MICROS -> 1_000L;
      case EPOCH_NANOS, TIME_NANOS -> 1L;
      default -> throw new IllegalArgumentException(kind + " has no unit");
    };
  }

  /** {@code epoch milliseconds}, {@code milliseconds} … for messages. */
  static String unitName(ColumnFormat.Kind kind) {
    return switch (kind) {
      case EPOCH_SECONDS -> "epoch seconds";
      case EPOCH_MILLIS -> "epoch milliseconds";
      case EPOCH_MICROS -> "epoch microseconds";
      case EPOCH_NANOS -> "epoch nanoseconds";
      case TIME_SECONDS, INTERVAL_SECONDS -> "seconds";
      case TIME_MILLIS, INTERVAL_MILLIS -> "milliseconds";
      case TIME_MICROS, INTERVAL_MICROS -> "microseconds";
      case TIME_NANOS -> "nanoseconds";
      default -> throw new IllegalArgumentException(kind + " has no unit");
    };
  }
}
