package dev.ferry.coerce;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

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
 *   <li>arrays of any of these: a JSON array, element by element.
 *   <li>enums, {@code time}, {@code timetz}, {@code interval}, {@code inet}, {@code cidr}, {@code
 *       macaddr}: a string, which Postgres parses (its refusal is an {@code invalid-value}).
 * </ul>
 *
 * Other types ({@code bytea}, geometric types, ranges, composite types …) have no coercer: a
 * pipeline that maps a column of such a type is refused at start and by {@code ferry check}.
 */
public final class Coercers {
  /** What {@link #describe} lists as supported, for messages. */
  public static final String SUPPORTED =
      "smallint, integer, bigint, numeric, real, double precision, boolean, text, varchar, char,"
          + " uuid, timestamptz, timestamp, date, json, jsonb, enums, time, timetz, interval,"
          + " inet, cidr, macaddr, and arrays of these";

  private static final BigDecimal FLOAT4_MAX = new BigDecimal(Float.toString(Float.MAX_VALUE));
  // Postgres numeric: up to 131072 digits before the decimal point, 16383 after.
  private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
  private static final int NUMERIC_MAX_SCALE = 16_383;
  private static final Pattern UUID =
      Pattern.compile(
          "\\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?"
              + "([0-9a-fA-F]{12})\\}?");
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
          case "int2" -> v -> integer(v, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
          case "int4" -> v -> integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
          case "int8" -> v -> integer(v, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
          case "numeric" -> v -> numeric(v, type);
          case "float4" -> v -> floating(v, FLOAT4_MAX, "real");
          case "float8" -> v -> floating(v, null, "double precision");
          case "bool" -> Coercers::bool;
          case "text", "varchar", "bpchar", "citext", "name" -> v -> text(v, type.length());
          case "uuid" -> Coercers::uuid;
          case "timestamptz" -> Coercers::timestamptz;
          case "timestamp" -> Coercers::timestamp;
          case "date" -> Coercers::date;
          case "json" -> JsonNode::toString;
          case "jsonb" -> Coercers::jsonb;
          default ->
              type.category() == 'E' || PARSED_BY_POSTGRES.contains(type.typname())
                  ? Coercers::string
                  : null;
        };
    return Optional.ofNullable(coercer);
  }

  private static String integer(JsonNode v, long min, long max, String type)
      throws CoercionException {
    BigDecimal d = number(v);
    // Checked before any exact conversion, so that 1e999999999 costs nothing.
    if (d.signum() != 0 && d.precision() - d.scale() > 19) {
      throw new CoercionException(
          show(v) + " is out of range for " + type + " (" + min + " to " + max + ")");
    }
    BigInteger whole;
    try {
      whole = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new CoercionException(show(v) + " is not a whole number, and " + type + " needs one");
    }
    if (whole.bitLength() > 63 || whole.longValue() < min || whole.longValue() > max) {
      throw new CoercionException(
          show(v) + " is out of range for " + type + " (" + min + " to " + max + ")");
    }
    return whole.toString();
  }

  private static String numeric(JsonNode v, ColumnType type) throws CoercionException {
    BigDecimal d = number(v);
    if (d.signum() == 0) {
      return "0";
    }
    d = d.stripTrailingZeros();
    int integerDigits = Math.max(d.precision() - d.scale(), 0);
    int decimals = Math.max(d.scale(), 0);
    if (type.precision() < 0) {
      if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS || decimals > NUMERIC_MAX_SCALE) {
        throw new CoercionException(show(v) + " is beyond the range of numeric");
      }
      return d.toPlainString();
    }
    if (decimals > type.scale()) {
      throw new CoercionException(
          show(v)
              + " has "
              + decimals
              + " decimal places, "
              + type.display()
              + " keeps "
              + type.scale()
              + " (Ferry does not round)");
    }
    if (integerDigits > type.precision() - type.scale()) {
      throw new CoercionException(
          show(v)
              + " does not fit "
              + type.display()
              + " (at most "
              + (type.precision() - type.scale())
              + " digits before the decimal point)");
    }
    return d.toPlainString();
  }

  private static String floating(JsonNode v, BigDecimal max, String type) throws CoercionException {
    BigDecimal d = number(v);
    double value = d.doubleValue();
    if (Double.isInfinite(value) || (max != null && d.abs().compareTo(max) > 0)) {
      throw new CoercionException(show(v) + " is out of range for " + type);
    }
    if (value == 0 && d.signum() != 0 || max != null && (float) value == 0 && d.signum() != 0) {
      throw new CoercionException(show(v) + " is too close to zero for " + type);
    }
    return max != null ? Float.toString((float) value) : Double.toString(value);
  }

  /** A JSON number, or a string holding one, exactly. */
  private static BigDecimal number(JsonNode v) throws CoercionException {
    if (v.isNumber()) {
      if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
        throw new CoercionException(show(v) + " is not a finite number");
      }
      return v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.textValue());
      } catch (NumberFormatException e) {
        throw new CoercionException(show(v) + " is not a number");
      }
    }
    throw new CoercionException("expected a number, got " + kind(v) + " " + show(v));
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

  private static String text(JsonNode v, int maxLength) throws CoercionException {
    String s;
    if (v.isTextual()) {
      s = v.textValue();
    } else if (v.isBigDecimal()) {
      s = v.decimalValue().toPlainString();
    } else if (v.isValueNode()) {
      s = v.asText();
    } else {
      s = v.toString();
    }
    if (s.indexOf('\u0000') >= 0) {
      throw new CoercionException(
          "the text holds a NUL character (\\u0000), which Postgres cannot store in text",
          CoercionException.NUL_CHARACTER);
    }
    if (maxLength >= 0) {
      int length = s.codePointCount(0, s.length());
      if (length > maxLength) {
        throw new CoercionException(
            "the text is "
                + length
                + " characters long, the column allows "
                + maxLength
                + " (Ferry does not truncate)");
      }
    }
    return s;
  }

  private static String jsonb(JsonNode v) throws CoercionException {
    String json = v.toString();
    if (holdsNul(json)) {
      throw new CoercionException(
          "the JSON holds a NUL character (\\u0000) in a string or field name, which Postgres"
              + " cannot store in jsonb",
          CoercionException.NUL_CHARACTER);
    }
    return json;
  }

  /**
   * Whether JSON text written by Jackson holds the escape of a NUL character (backslash, {@code
   * u0000}) whose backslash is not itself escaped: an escaped backslash followed by the text {@code
   * u0000} is no NUL. A text scan, as cheap as the serialisation it follows.
   */
  static boolean holdsNul(String json) {
    for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
      int backslashes = 0;
      for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return true;
      }
    }
    return false;
  }

  private static String string(JsonNode v) throws CoercionException {
    if (!v.isTextual()) {
      throw new CoercionException("expected a string, got " + kind(v) + " " + show(v));
    }
    return text(v, -1);
  }

  private static String uuid(JsonNode v) throws CoercionException {
    if (v.isTextual() && isCanonicalUuid(v.textValue())) {
      return v.textValue().toLowerCase(Locale.ROOT); // the usual spelling, without the regex
    }
    var m = v.isTextual() ? UUID.matcher(v.textValue()) : null;
    if (m == null || !m.matches() || braces(v.textValue())) {
      throw new CoercionException(show(v) + " is not a UUID");
    }
    return (m.group(1) + '-' + m.group(2) + '-' + m.group(3) + '-' + m.group(4) + '-' + m.group(5))
        .toLowerCase(Locale.ROOT);
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

  /** {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} in hex digits of either case. */
  private static boolean isCanonicalUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
      if (hyphen
          ? c != '-'
          : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
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
    if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
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

  /** Unbalanced braces: one without the other. */
  private static boolean braces(String s) {
    return s.startsWith("{") != s.endsWith("}");
  }

  private static String timestamptz(JsonNode v) throws CoercionException {
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

  private static String timestamp(JsonNode v) throws CoercionException {
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

  private static String date(JsonNode v) throws CoercionException {
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

  /** Epoch milliseconds from a whole number or a string of digits; empty for anything else. */
  private static Optional<Instant> epochMillis(JsonNode v) throws CoercionException {
    if (v.isNumber()) {
      BigDecimal d = number(v);
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

  private static String isoText(JsonNode v) throws CoercionException {
    if (!v.isTextual()) {
      throw new CoercionException(
          "expected an ISO-8601 date-time or epoch milliseconds, got " + kind(v) + " " + show(v));
    }
    String s = v.textValue();
    // "2024-05-01 12:00:00Z", as Postgres itself writes timestamps, is accepted too.
    return s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
  }

  private static Instant inRange(Instant instant, JsonNode v) throws CoercionException {
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

  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The value for a message, cut short when long. */
  static String show(JsonNode v) {
    String s = v.isBigDecimal() ? v.decimalValue().toString() : v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
