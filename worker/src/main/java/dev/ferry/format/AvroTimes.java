package dev.ferry.format;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Avro's dates and times as the ISO-8601 text the coercers take: {@code 2024-05-01}, {@code
 * 12:00:00.123456}, {@code 2024-05-01T12:00:00.123456Z} (an instant, in UTC) and {@code
 * 2024-05-01T12:00:00.123456} (a local timestamp). Seconds are always written; the fraction has the
 * digits of the writer's unit (3 for millis, 6 for micros, 9 for nanos), so nothing is lost and
 * nothing invented. Written by hand rather than with {@code DateTimeFormatter}, since it runs for
 * every timestamp of every record. Stateless.
 */
final class AvroTimes {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;
  private static final int[] POWERS = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  private AvroTimes() {}

  /** The date {@code days} after 1970-01-01 (before it when negative). */
  static String date(int days) {
    return LocalDate.ofEpochDay(days).toString();
  }

  /**
   * A time of day, {@code HH:mm:ss} and the fraction.
   *
   * @param value the writer's count of {@code unitNanos} since midnight
   * @param digits the fraction digits of the unit: 3, 6 or 9
   * @throws AvroDataException outside {@code [00:00, 24:00]} (Postgres' {@code time} takes the end
   *     of the day, {@code 24:00:00}, as Debezium's times do)
   */
  static String timeOfDay(long value, long unitNanos, int digits, String type)
      throws AvroDataException {
    if (value < 0 || value > NANOS_PER_DAY / unitNanos) {
      throw new AvroDataException(type + " value " + value + " is not a time of day");
    }
    long nanos = value * unitNanos;
    StringBuilder s = new StringBuilder(18);
    time(s, nanos / NANOS_PER_SECOND, (int) (nanos % NANOS_PER_SECOND), digits);
    return s.toString();
  }

  /**
   * A timestamp {@code value} units after the epoch: {@code 2024-05-01T12:00:00.123Z} when {@code
   * zoned} (an instant), without the {@code Z} for a local timestamp.
   */
  static String timestamp(long value, long unitsPerSecond, int digits, boolean zoned) {
    long seconds = Math.floorDiv(value, unitsPerSecond);
    int nanos = (int) (Math.floorMod(value, unitsPerSecond) * (NANOS_PER_SECOND / unitsPerSecond));
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    StringBuilder s = new StringBuilder(32);
    s.append(t.toLocalDate()).append('T');
    time(s, t.toLocalTime().toSecondOfDay(), nanos, digits);
    if (zoned) {
      s.append('Z');
    }
    return s.toString();
  }

  private static void time(StringBuilder s, long secondOfDay, int nanos, int digits) {
    pad(s, (int) (secondOfDay / 3600), 2);
    s.append(':');
    pad(s, (int) (secondOfDay / 60 % 60), 2);
    s.append(':');
    pad(s, (int) (secondOfDay % 60), 2);
    if (digits > 0) {
      s.append('.');
      pad(s, nanos / POWERS[9 - digits], digits);
    }
  }

  private static void pad(StringBuilder s, int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      s.append((char) ('0' + value / POWERS[i] % 10));
    }
  }
}
