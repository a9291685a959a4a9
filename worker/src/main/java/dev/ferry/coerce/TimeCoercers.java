package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The coercers of {@code timestamptz}, {@code timestamp} and {@code date}: ISO-8601 text or epoch
 * milliseconds (a whole number, or a string of digits), years 1 to 9999. A {@code timestamptz}
 * needs an offset, never a guessed time zone; a {@code timestamp} given one is converted to UTC.
 * Stateless.
 */
final class TimeCoercers {
  private TimeCoercers() {}

  static String timestamptz(JsonNode v) throws CoercionException {
    if (v.isTextual()) {
      Optional<String> utc = utcDateTime(v.textValue());
      if (utc.isPresent()) {
        return utc.get();
      }
    }
    Optional<Instant> millis = epochMillis(v);
    if (millis.isPresent()) {
      return inRange(millis.get(), v).toString();
    }
    String s = isoText(v);
    try {
      return inRange(OffsetDateTime.parse(s).toInstant(), v).toString();
    } catch (DateTimeParseException e) {
      if (parses(() -> LocalDateTime.parse(s))) {
        throw new CoercionException(
            show(v) + " has no time zone offset (add Z or +hh:mm), and timestamptz needs one");
      }
      throw new CoercionException(
          show(v) + " is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z)");
    }
  }

  static String timestamp(JsonNode v) throws CoercionException {
    Optional<Instant> millis = epochMillis(v);
    if (millis.isPresent()) {
      return LocalDateTime.ofInstant(inRange(millis.get(), v), ZoneOffset.UTC).toString();
    }
    String s = isoText(v);
    try {
      return LocalDateTime.parse(s).toString();
    } catch (DateTimeParseException e) {
      try {
        Instant instant = inRange(OffsetDateTime.parse(s).toInstant(), v);
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
      } catch (DateTimeParseException again) {
        throw new CoercionException(
            show(v) + " is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00)");
      }
    }
  }

  static String date(JsonNode v) throws CoercionException {
    Optional<Instant> millis = epochMillis(v);
    if (millis.isPresent()) {
      return LocalDate.ofInstant(inRange(millis.get(), v), ZoneOffset.UTC).toString();
    }
    if (!v.isTextual()) {
      throw new CoercionException("expected an ISO-8601 date, got " + kind(v) + " " + show(v));
    }
    try {
      LocalDate d = LocalDate.parse(v.textValue());
      if (d.getYear() < 1 || d.getYear() > 9999) {
        throw new CoercionException(show(v) + " is outside the years 1 to 9999");
      }
      return d.toString();
    } catch (DateTimeParseException e) {
      throw new CoercionException(show(v) + " is not an ISO-8601 date (e.g. 2024-05-01)");
    }
  }

  /**
   * The fast path of timestamptz for the common spelling {@code YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}]Z}:
   * checks every field (a real date, hours 00–23, minutes and seconds 00–59, year 1–9999) and
   * returns the text with a {@code T}; empty for any other spelling, which the full parser handles.
   * It is the same instant the full path gives, only without {@code java.time}'s parser, which took
   * a quarter of a worker's CPU in scripts/bench.
   */
  static Optional<String> utcDateTime(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
      return Optional.empty();
    }
    if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return Optional.empty();
    }
    char t = s.charAt(10);
    if (t != 'T' && t != ' ') {
      return Optional.empty();
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return Optional.empty();
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return Optional.empty();
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      return Optional.empty();
    }
    if (n > 20) {
      // a fraction: '.', then 1 to 9 digits, then the Z
      if (s.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9 || digits(s, 20, n - 1) < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(t == 'T' ? s : s.substring(0, 10) + 'T' + s.substring(11));
  }

  /** The number {@code s[from, to)} spells in decimal digits; -1 when one is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Epoch milliseconds from a whole number or a string of digits; empty for anything else. */
  private static Optional<Instant> epochMillis(JsonNode v) throws CoercionException {
    if (v.isNumber()) {
      BigDecimal d = NumberCoercers.number(v);
      if (d.signum() != 0 && d.precision() - d.scale() > 18) {
        throw new CoercionException(show(v) + " is out of range as epoch milliseconds");
      }
      try {
        return Optional.of(Instant.ofEpochMilli(d.longValueExact()));
      } catch (ArithmeticException e) {
        throw new CoercionException(
            show(v) + " is not whole epoch milliseconds (fractions are not accepted)");
      }
    }
    if (v.isTextual() && isEpochDigits(v.textValue())) {
      try {
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(v.textValue())));
      } catch (NumberFormatException e) {
        throw new CoercionException(show(v) + " is out of range as epoch milliseconds");
      }
    }
    return Optional.empty();
  }

  /** {@code -?[0-9]{1,19}}, without a regex: this runs for every timestamp value. */
  private static boolean isEpochDigits(String s) {
    int start = s.startsWith("-") ? 1 : 0;
    int digits = s.length() - start;
    if (digits < 1 || digits > 19) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String isoText(JsonNode v) throws CoercionException {
    if (!v.isTextual()) {
      throw new CoercionException(
          "expected an ISO-8601 date-time or epoch milliseconds, got " + kind(v) + " " + show(v));
    }
    String s = v.textValue();
    // "2024-05-01 12:00:00Z", as Postgres itself writes timestamps, is accepted too.
    return s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
  }

  static Instant inRange(Instant instant, JsonNode v) throws CoercionException {
    int year;
    try {
      year = instant.atOffset(ZoneOffset.UTC).getYear();
    } catch (DateTimeException e) {
      year = Integer.MAX_VALUE;
    }
    if (year < 1 || year > 9999) {
      throw new CoercionException(show(v) + " is outside the years 1 to 9999");
    }
    return instant;
  }

  private static boolean parses(Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
