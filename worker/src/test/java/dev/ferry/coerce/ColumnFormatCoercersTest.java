package dev.ferry.coerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.ferry.config.ColumnFormat;
import dev.ferry.config.ColumnFormat.Kind;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Values read as their column's {@code column-formats} declaration says: the exact SQL text each
 * declaration gives, and each refusal with its message. Values are decoded as records are (floats
 * as exact decimals).
 */
class ColumnFormatCoercersTest {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final ColumnType BYTEA = type("bytea", "bytea", 'U');
  private static final ColumnType BYTEA_ARRAY = ColumnType.arrayOf("bytea[]", "bytea[]", BYTEA);
  private static final ColumnType TIMESTAMPTZ =
      type("timestamp with time zone", "timestamptz", 'D');
  private static final ColumnType TIMESTAMP = type("timestamp without time zone", "timestamp", 'D');
  private static final ColumnType DATE = type("date", "date", 'D');
  private static final ColumnType TIME = type("time without time zone", "time", 'D');
  private static final ColumnType INTERVAL = type("interval", "interval", 'T');
  private static final ColumnType INTEGER = type("integer", "int4", 'N');

  private static ColumnType type(String display, String typname, char category) {
    return ColumnType.of(display, display, typname, category, -1);
  }

  private static String coerce(ColumnType type, ColumnFormat format, String json)
      throws CoercionException {
    try {
      return Coercers.of(type, Optional.of(format)).orElseThrow().apply(JSON.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static String coerce(ColumnType type, Kind kind, String json) throws CoercionException {
    return coerce(type, ColumnFormat.of(kind), json);
  }

  private static String refusal(ColumnType type, ColumnFormat format, String json) {
    CoercionException e =
        catchThrowableOfType(CoercionException.class, () -> coerce(type, format, json));
    assertThat(e).as("%s into %s as %s", json, type.display(), format).isNotNull();
    return e.getMessage();
  }

  private static String refusal(ColumnType type, Kind kind, String json) {
    return refusal(type, ColumnFormat.of(kind), json);
  }

  @Test
  void base64IsDecodedIntoHexText() throws Exception {
    assertThat(coerce(BYTEA, Kind.BASE64, "\"3q2+7w==\"")).isEqualTo("\\xdeadbeef");
    assertThat(coerce(BYTEA, Kind.BASE64, "\"3q2+7w\""))
        .as("padding optional")
        .isEqualTo("\\xdeadbeef");
    assertThat(coerce(BYTEA, Kind.BASE64, "\"\"")).isEqualTo("\\x");
    assertThat(coerce(BYTEA, Kind.BASE64, "\"AP8KXA==\"")).isEqualTo("\\x00ff0a5c");
    assertThat(
            Coercers.of(BYTEA, Optional.of(ColumnFormat.of(Kind.BASE64)))
                .orElseThrow()
                .apply(new BinaryNode(new byte[] {1, 2})))
        .as("binary stays binary")
        .isEqualTo("\\x0102");
    assertThat(refusal(BYTEA, Kind.BASE64, "\"3q2-7w==\""))
        .isEqualTo("\"3q2-7w==\" is not base64 (column-formats): Illegal base64 character 2d");
    assertThat(refusal(BYTEA, Kind.BASE64, "\"deadbeef!\""))
        .startsWith("\"deadbeef!\" is not base64");
    assertThat(refusal(BYTEA, Kind.BASE64, "12"))
        .isEqualTo("expected a base64 string, got a number 12");
  }

  @Test
  void hexIsTakenInEitherCaseWithoutAPrefix() throws Exception {
    assertThat(coerce(BYTEA, Kind.HEX, "\"DEADbeef00\"")).isEqualTo("\\xdeadbeef00");
    assertThat(coerce(BYTEA, Kind.HEX, "\"\"")).isEqualTo("\\x");
    assertThat(refusal(BYTEA, Kind.HEX, "\"abc\""))
        .isEqualTo("\"abc\" is not hex (column-formats): an odd number of digits (3)");
    assertThat(refusal(BYTEA, Kind.HEX, "\"\\\\xdead\""))
        .isEqualTo("\"\\\\xdead\" is not hex (column-formats): '\\' at index 0 is no hex digit");
    assertThat(refusal(BYTEA, Kind.HEX, "\"3q2+7w==\""))
        .isEqualTo("\"3q2+7w==\" is not hex (column-formats): 'q' at index 1 is no hex digit");
    assertThat(refusal(BYTEA, Kind.HEX, "\"\u0661\u0662\""))
        .as("only ASCII digits")
        .contains("is no hex digit");
    assertThat(refusal(BYTEA, Kind.HEX, "true"))
        .isEqualTo("expected a hex string, got a boolean true");
  }

  @Test
  void aFormatAppliesToEachElementOfAnArray() throws Exception {
    assertThat(coerce(BYTEA_ARRAY, Kind.HEX, "[\"00ff\", null, \"\"]"))
        .isEqualTo("{\"\\\\x00ff\",NULL,\"\\\\x\"}");
    assertThat(refusal(BYTEA_ARRAY, Kind.HEX, "[\"0\"]"))
        .isEqualTo("element 0: \"0\" is not hex (column-formats): an odd number of digits (1)");
  }

  @Test
  void epochUnitsAreReadExactly() throws Exception {
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_SECONDS, "1714564800"))
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_SECONDS, "1714564800.123456789"))
        .isEqualTo("2024-05-01T12:00:00.123456789Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_SECONDS, "1.7145648E9"))
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_MILLIS, "\"1714564800123\""))
        .isEqualTo("2024-05-01T12:00:00.123Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_MICROS, "1714564800123456"))
        .isEqualTo("2024-05-01T12:00:00.123456Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_NANOS, "1714564800123456789"))
        .isEqualTo("2024-05-01T12:00:00.123456789Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_NANOS, "-1"))
        .isEqualTo("1969-12-31T23:59:59.999999999Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_MICROS, "\"-1.5\""))
        .isEqualTo("1969-12-31T23:59:59.999998500Z");
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_DAYS, "19844")).isEqualTo("2024-05-01T00:00:00Z");
    assertThat(coerce(TIMESTAMP, Kind.EPOCH_MICROS, "1714564800000001"))
        .isEqualTo("2024-05-01T12:00:00.000001");
    assertThat(coerce(TIMESTAMP, Kind.EPOCH_DAYS, "0")).isEqualTo("1970-01-01T00:00");
    assertThat(coerce(DATE, Kind.EPOCH_DAYS, "19844")).isEqualTo("2024-05-01");
    assertThat(coerce(DATE, Kind.EPOCH_DAYS, "-719162")).isEqualTo("0001-01-01");
    assertThat(coerce(DATE, Kind.EPOCH_SECONDS, "1714607999"))
        .as("the UTC date")
        .isEqualTo("2024-05-01");
  }

  @Test
  void withAnEpochUnitIsoTextIsStillReadAsWithout() throws Exception {
    assertThat(coerce(TIMESTAMPTZ, Kind.EPOCH_MICROS, "\"2024-05-01T14:00:00+02:00\""))
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(DATE, Kind.EPOCH_DAYS, "\"2024-05-01\"")).isEqualTo("2024-05-01");
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_MICROS, "\"2024-05-01T14:00:00\""))
        .isEqualTo(
            "\"2024-05-01T14:00:00\" has no time zone offset (add Z or +hh:mm), and timestamptz"
                + " needs one");
  }

  @Test
  void epochValuesThatCannotBeExactOrInRangeAreRefused() {
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_MICROS, "1714564800123456.0001"))
        .isEqualTo(
            "1714564800123456.0001 as epoch microseconds is finer than a nanosecond, which Ferry"
                + " does not round");
    assertThat(refusal(DATE, Kind.EPOCH_DAYS, "19844.5"))
        .isEqualTo("19844.5 is not a whole number of epoch days");
    assertThat(refusal(DATE, Kind.EPOCH_DAYS, "2932897"))
        .isEqualTo("2932897 is outside the years 1 to 9999");
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_SECONDS, "253402300800"))
        .isEqualTo("253402300800 is outside the years 1 to 9999");
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_NANOS, "1e999999999"))
        .isEqualTo("1E+999999999 is out of range as epoch nanoseconds");
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_SECONDS, "true"))
        .isEqualTo("expected an ISO-8601 date-time or epoch milliseconds, got a boolean true");
  }

  @Test
  void aZoneReadsZoneLessTextOfATimestamptzAsAWallTimeThere() throws Exception {
    ColumnFormat berlin = ColumnFormat.zone(ZoneId.of("Europe/Berlin"));
    assertThat(coerce(TIMESTAMPTZ, berlin, "\"2024-05-01T14:00:00\""))
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, berlin, "\"2024-01-15 14:00:00.25\""))
        .isEqualTo("2024-01-15T13:00:00.250Z");
    assertThat(coerce(TIMESTAMPTZ, berlin, "\"2024-05-01T14:00:00-05:00\""))
        .as("an offset wins")
        .isEqualTo("2024-05-01T19:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, berlin, "1714564800000"))
        .as("epoch millis")
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(refusal(TIMESTAMPTZ, berlin, "\"2024-03-31T02:30:00\""))
        .isEqualTo(
            "\"2024-03-31T02:30:00\" does not exist in Europe/Berlin (the clocks skip it): add an"
                + " offset to say which instant it is");
    assertThat(refusal(TIMESTAMPTZ, berlin, "\"2024-10-27T02:30:00\""))
        .isEqualTo(
            "\"2024-10-27T02:30:00\" happens twice in Europe/Berlin (at +02:00 and +01:00): add an"
                + " offset to say which instant it is");
    assertThat(refusal(TIMESTAMPTZ, berlin, "\"yesterday\""))
        .isEqualTo("\"yesterday\" is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z)");
  }

  @Test
  void aZoneMakesATimestampHoldWallTimesThere() throws Exception {
    ColumnFormat berlin = ColumnFormat.zone(ZoneId.of("Europe/Berlin"));
    assertThat(coerce(TIMESTAMP, berlin, "\"2024-05-01T12:00:00Z\"")).isEqualTo("2024-05-01T14:00");
    assertThat(coerce(TIMESTAMP, berlin, "\"2024-05-01T12:00:00.5+00:00\""))
        .isEqualTo("2024-05-01T14:00:00.500");
    assertThat(coerce(TIMESTAMP, berlin, "1714564800000")).isEqualTo("2024-05-01T14:00");
    assertThat(coerce(TIMESTAMP, berlin, "\"2024-05-01T12:00:00\""))
        .as("zone-less text is a wall time already")
        .isEqualTo("2024-05-01T12:00");
    assertThat(
            refusal(TIMESTAMP, ColumnFormat.zone(ZoneId.of("+14:00")), "\"9999-12-31T23:00:00Z\""))
        .isEqualTo("\"9999-12-31T23:00:00Z\" is outside the years 1 to 9999 in +14:00");
  }

  @Test
  void timeOfDayUnitsAreSinceMidnight() throws Exception {
    assertThat(coerce(TIME, Kind.TIME_SECONDS, "45296.5")).isEqualTo("12:34:56.500");
    assertThat(coerce(TIME, Kind.TIME_MILLIS, "45296789")).isEqualTo("12:34:56.789");
    assertThat(coerce(TIME, Kind.TIME_MICROS, "\"45296789012\"")).isEqualTo("12:34:56.789012");
    assertThat(coerce(TIME, Kind.TIME_NANOS, "86399999999999")).isEqualTo("23:59:59.999999999");
    assertThat(coerce(TIME, Kind.TIME_MILLIS, "0")).isEqualTo("00:00");
    assertThat(refusal(TIME, Kind.TIME_MILLIS, "86400000"))
        .isEqualTo(
            "86400000 milliseconds is not a time of day (0 up to one day, not including it)");
    assertThat(refusal(TIME, Kind.TIME_SECONDS, "-1"))
        .isEqualTo("-1 seconds is not a time of day (0 up to one day, not including it)");
    assertThat(refusal(TIME, Kind.TIME_MILLIS, "\"12:00:00\""))
        .isEqualTo("expected a number of milliseconds, got a string \"12:00:00\"");
  }

  @Test
  void onlyPlainDecimalTextReadsAsANumberOfTheUnit() {
    for (String text : new String[] {"1.", ".5", "-", "+5", "1e3", " 1", "0x10", ""}) {
      assertThat(refusal(INTERVAL, Kind.INTERVAL_MILLIS, "\"" + text + "\""))
          .as(text)
          .isEqualTo("expected a number of milliseconds, got a string \"" + text + "\"");
    }
    assertThat(refusal(TIMESTAMPTZ, Kind.EPOCH_MILLIS, "\"1e3\""))
        .as("not a number, so read as ISO-8601 text")
        .isEqualTo("\"1e3\" is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z)");
  }

  @Test
  void intervalUnitsBecomeExactIntervalText() throws Exception {
    assertThat(coerce(INTERVAL, Kind.INTERVAL_SECONDS, "90061.000001"))
        .isEqualTo("0 mons 0 days 25:01:01.000001");
    assertThat(coerce(INTERVAL, Kind.INTERVAL_MILLIS, "-1500"))
        .isEqualTo("0 mons 0 days -0:00:01.5");
    assertThat(coerce(INTERVAL, Kind.INTERVAL_MICROS, "9223372036854775807"))
        .isEqualTo("0 mons 0 days 2562047788:00:54.775807");
    assertThat(coerce(INTERVAL, Kind.INTERVAL_MICROS, "\"0\"")).isEqualTo("0 mons 0 days 0:00:00");
    assertThat(refusal(INTERVAL, Kind.INTERVAL_MICROS, "9223372036854775808"))
        .isEqualTo("9223372036854775808 microseconds is out of range for interval");
    assertThat(refusal(INTERVAL, Kind.INTERVAL_SECONDS, "\"1 day\""))
        .isEqualTo("expected a number of seconds, got a string \"1 day\"");
  }

  @Test
  void isoDurationsBecomeExactIntervalText() throws Exception {
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"P1Y2M3DT4H5M6.5S\""))
        .isEqualTo("14 mons 3 days 4:05:06.5");
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"-P2W\"")).isEqualTo("0 mons -14 days 0:00:00");
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"PT-1,5S\""))
        .isEqualTo("0 mons 0 days -0:00:01.5");
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"PT36H\"")).isEqualTo("0 mons 0 days 36:00:00");
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"P1DT-1H\"")).isEqualTo("0 mons 1 days -1:00:00");
    assertThat(coerce(INTERVAL, Kind.ISO_8601, "\"PT0.000000001S\""))
        .isEqualTo("0 mons 0 days 0:00:00.000000001");
    for (String bad : new String[] {"P", "PT", "P1.5D", "1 day", "P1H", "PT1D", "-P", "P1Y2"}) {
      assertThat(refusal(INTERVAL, ColumnFormat.of(Kind.ISO_8601), "\"" + bad + "\""))
          .as(bad)
          .isEqualTo(
              "\"" + bad + "\" is not an ISO-8601 duration (e.g. P1Y2M3DT4H5M6.5S, PT90S or P2W)");
    }
    assertThat(refusal(INTERVAL, Kind.ISO_8601, "\"P9999999999M\""))
        .isEqualTo("\"P9999999999M\" is out of range for interval");
    assertThat(refusal(INTERVAL, Kind.ISO_8601, "60"))
        .isEqualTo("expected an ISO-8601 duration (e.g. P1DT2H30M), got a number 60");
  }

  @Test
  void aFormatFitsOnlyItsTypes() {
    assertThat(Coercers.fits(BYTEA, ColumnFormat.of(Kind.BASE64))).isTrue();
    assertThat(Coercers.fits(BYTEA_ARRAY, ColumnFormat.of(Kind.BASE64))).isTrue();
    assertThat(Coercers.fits(INTEGER, ColumnFormat.of(Kind.BASE64))).isFalse();
    assertThat(Coercers.fits(DATE, ColumnFormat.zone(ZoneId.of("UTC")))).isFalse();
    assertThat(Coercers.fits(TIME, ColumnFormat.of(Kind.EPOCH_MILLIS))).isFalse();
    assertThatThrownBy(() -> Coercers.of(INTEGER, Optional.of(ColumnFormat.of(Kind.HEX))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hex does not fit a column of type integer");
  }
}
