package dev.ferry.coerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coercion of JSON values per column type, fed the way records are decoded (floats as exact
 * decimals). Each type is tried with good values and with the edge cases that must be refused with
 * a message saying why.
 */
class CoercersTest {
  // As records are read (dev.ferry.pipeline.Json): exact decimals, trailing zeros kept.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final ColumnType SMALLINT = type("smallint", "int2", 'N', -1);
  private static final ColumnType INTEGER = type("integer", "int4", 'N', -1);
  private static final ColumnType BIGINT = type("bigint", "int8", 'N', -1);
  private static final ColumnType NUMERIC = type("numeric", "numeric", 'N', -1);
  private static final ColumnType MONEY_LIKE =
      type("numeric(12,2)", "numeric", 'N', (12 << 16 | 2) + 4);
  private static final ColumnType REAL = type("real", "float4", 'N', -1);
  private static final ColumnType DOUBLE = type("double precision", "float8", 'N', -1);
  private static final ColumnType BOOLEAN = type("boolean", "bool", 'B', -1);
  private static final ColumnType TEXT = type("text", "text", 'S', -1);
  private static final ColumnType VARCHAR_5 = type("character varying(5)", "varchar", 'S', 9);
  private static final ColumnType UUID = type("uuid", "uuid", 'U', -1);
  private static final ColumnType TIMESTAMPTZ =
      type("timestamp with time zone", "timestamptz", 'D', -1);
  private static final ColumnType TIMESTAMP =
      type("timestamp without time zone", "timestamp", 'D', -1);
  private static final ColumnType DATE = type("date", "date", 'D', -1);
  private static final ColumnType JSONB = type("jsonb", "jsonb", 'U', -1);
  private static final ColumnType JSON_TYPE = type("json", "json", 'U', -1);
  private static final ColumnType BYTEA = type("bytea", "bytea", 'U', -1);
  private static final ColumnType INT_ARRAY = ColumnType.arrayOf("integer[]", "integer[]", INTEGER);
  private static final ColumnType TEXT_ARRAY = ColumnType.arrayOf("text[]", "text[]", TEXT);

  private static ColumnType type(String display, String typname, char category, int typmod) {
    return ColumnType.of(display, display, typname, category, typmod);
  }

  private static String coerce(ColumnType type, String json) throws CoercionException {
    try {
      return Coercers.of(type).orElseThrow().apply(JSON.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static String refusal(ColumnType type, String json) {
    CoercionException e = catchThrowableOfType(CoercionException.class, () -> coerce(type, json));
    assertThat(e).as("%s into %s", json, type.display()).isNotNull();
    return e.getMessage();
  }

  @Test
  void integersKeepTheirRangeAndRefuseFractions() throws Exception {
    assertThat(coerce(INTEGER, "42")).isEqualTo("42");
    assertThat(coerce(INTEGER, "-2147483648")).isEqualTo("-2147483648");
    assertThat(coerce(INTEGER, "2.0")).isEqualTo("2");
    assertThat(coerce(INTEGER, "\"17\"")).isEqualTo("17");
    assertThat(coerce(BIGINT, "9223372036854775807")).isEqualTo("9223372036854775807");
    assertThat(coerce(SMALLINT, "32767")).isEqualTo("32767");

    assertThat(refusal(INTEGER, "2147483648")).contains("out of range for integer");
    assertThat(refusal(SMALLINT, "40000")).contains("out of range for smallint");
    assertThat(refusal(BIGINT, "9223372036854775808")).contains("out of range for bigint");
    assertThat(refusal(BIGINT, "1e400")).contains("1E+400").contains("out of range for bigint");
    assertThat(refusal(INTEGER, "1.5"))
        .isEqualTo("1.5 is not a whole number, and integer needs one");
    assertThat(refusal(INTEGER, "\"NaN\"")).isEqualTo("\"NaN\" is not a number");
    assertThat(refusal(INTEGER, "\"twelve\"")).isEqualTo("\"twelve\" is not a number");
    assertThat(refusal(INTEGER, "true")).isEqualTo("expected a number, got a boolean true");
    assertThat(refusal(INTEGER, "{\"n\":1}")).startsWith("expected a number, got an object");
  }

  @Test
  void aHugeExponentIsRefusedWithoutBuildingTheNumber() {
    assertThat(refusal(BIGINT, "1e999999999")).contains("out of range");
    assertThat(refusal(NUMERIC, "1e999999999")).contains("beyond the range of numeric");
  }

  @Test
  void numericKeepsEveryDigitAndNeverRounds() throws Exception {
    assertThat(coerce(NUMERIC, "0.1000000000000000055511151231257827"))
        .isEqualTo("0.1000000000000000055511151231257827");
    assertThat(coerce(NUMERIC, "12345678901234567890.5")).isEqualTo("12345678901234567890.5");
    assertThat(coerce(NUMERIC, "1e400")).hasSize(401).startsWith("1000");
    assertThat(coerce(MONEY_LIKE, "19.90")).isEqualTo("19.9");
    assertThat(coerce(MONEY_LIKE, "\"1234567890.12\"")).isEqualTo("1234567890.12");
    assertThat(coerce(MONEY_LIKE, "0")).isEqualTo("0");

    assertThat(refusal(MONEY_LIKE, "19.999"))
        .isEqualTo("19.999 has 3 decimal places, numeric(12,2) keeps 2 (Ferry does not round)");
    assertThat(refusal(MONEY_LIKE, "12345678901"))
        .isEqualTo(
            "12345678901 does not fit numeric(12,2) (at most 10 digits before the decimal point)");
    assertThat(refusal(MONEY_LIKE, "1e400")).contains("does not fit numeric(12,2)");
    assertThat(refusal(NUMERIC, "\"NaN\"")).isEqualTo("\"NaN\" is not a number");
    assertThat(refusal(NUMERIC, "\"Infinity\"")).isEqualTo("\"Infinity\" is not a number");
  }

  @Test
  void floatingPointStaysFiniteAndInRange() throws Exception {
    assertThat(coerce(DOUBLE, "1.5")).isEqualTo("1.5");
    assertThat(coerce(REAL, "0.1")).isEqualTo("0.1");
    assertThat(refusal(DOUBLE, "1e400")).isEqualTo("1E+400 is out of range for double precision");
    assertThat(refusal(REAL, "1e39")).isEqualTo("1E+39 is out of range for real");
    assertThat(refusal(DOUBLE, "1e-400")).contains("too close to zero");
    assertThat(refusal(DOUBLE, "\"NaN\"")).isEqualTo("\"NaN\" is not a number");
  }

  @Test
  void booleansAreTrueOrFalseOnly() throws Exception {
    assertThat(coerce(BOOLEAN, "true")).isEqualTo("true");
    assertThat(coerce(BOOLEAN, "\"FALSE\"")).isEqualTo("false");
    assertThat(refusal(BOOLEAN, "1")).isEqualTo("expected true or false, got a number 1");
    assertThat(refusal(BOOLEAN, "\"yes\""))
        .isEqualTo("expected true or false, got a string \"yes\"");
  }

  @Test
  void textKeepsItsLengthLimitAndRefusesNul() throws Exception {
    assertThat(coerce(VARCHAR_5, "\"héllo\"")).isEqualTo("héllo");
    assertThat(coerce(VARCHAR_5, "\"😀😀😀😀😀\"")).as("counted in characters").hasSize(10);
    assertThat(coerce(TEXT, "12.50")).isEqualTo("12.50");
    assertThat(coerce(TEXT, "{\"a\":[1,2]}")).isEqualTo("{\"a\":[1,2]}");
    assertThat(refusal(VARCHAR_5, "\"toolong\""))
        .isEqualTo("the text is 7 characters long, the column allows 5 (Ferry does not truncate)");
    assertThat(refusal(TEXT, "\"a\\u0000b\"")).contains("NUL character");
  }

  @Test
  void uuidsInTheirUsualSpellings() throws Exception {
    String canonical = "0b9f6a3e-7d1c-4f4e-9a55-2c1d3e4f5a6b";
    assertThat(coerce(UUID, "\"" + canonical + "\"")).isEqualTo(canonical);
    assertThat(coerce(UUID, "\"0B9F6A3E7D1C4F4E9A552C1D3E4F5A6B\"")).isEqualTo(canonical);
    assertThat(coerce(UUID, "\"{" + canonical + "}\"")).isEqualTo(canonical);
    assertThat(refusal(UUID, "\"not-a-uuid\"")).isEqualTo("\"not-a-uuid\" is not a UUID");
    assertThat(refusal(UUID, "\"{" + canonical + "\"")).endsWith("is not a UUID");
    assertThat(refusal(UUID, "42")).isEqualTo("42 is not a UUID");
  }

  @Test
  void timestampsFromIso8601OrEpochMillis() throws Exception {
    assertThat(coerce(TIMESTAMPTZ, "\"2024-05-01T12:00:00+02:00\""))
        .isEqualTo("2024-05-01T10:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, "\"2024-05-01 12:00:00.123456Z\""))
        .isEqualTo("2024-05-01T12:00:00.123456Z");
    assertThat(coerce(TIMESTAMPTZ, "1714564800000")).isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(TIMESTAMPTZ, "\"1714564800000\"")).isEqualTo("2024-05-01T12:00:00Z");
    assertThat(coerce(TIMESTAMP, "\"2024-05-01T12:00:00\"")).isEqualTo("2024-05-01T12:00");
    assertThat(coerce(TIMESTAMP, "\"2024-05-01T12:00:00+02:00\"")).isEqualTo("2024-05-01T10:00");
    assertThat(coerce(DATE, "\"2024-02-29\"")).isEqualTo("2024-02-29");
    assertThat(coerce(DATE, "1714564800000")).isEqualTo("2024-05-01");

    assertThat(refusal(TIMESTAMPTZ, "\"2024-05-01T12:00:00\"")).contains("has no time zone offset");
    assertThat(refusal(TIMESTAMPTZ, "\"2024-13-01T00:00:00Z\""))
        .isEqualTo(
            "\"2024-13-01T00:00:00Z\" is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z)");
    assertThat(refusal(TIMESTAMPTZ, "\"yesterday\"")).contains("is not an ISO-8601 date-time");
    assertThat(refusal(TIMESTAMPTZ, "1714564800000.5")).contains("not whole epoch milliseconds");
    assertThat(refusal(TIMESTAMPTZ, "1e30")).contains("out of range as epoch milliseconds");
    assertThat(refusal(TIMESTAMPTZ, "900000000000000000")).contains("outside the years 1 to 9999");
    assertThat(refusal(TIMESTAMPTZ, "true")).startsWith("expected an ISO-8601 date-time");
    assertThat(refusal(DATE, "\"2023-02-29\"")).contains("is not an ISO-8601 date");
  }

  @Test
  void theFastPathForUtcTimestampsAgreesWithTheFullParser() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    for (int i = 0; i < 2_000; i++) {
      java.time.Instant instant =
          java.time.Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L))
              .plusNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
      String text = instant.toString();
      assertThat(TimeCoercers.utcDateTime(text)).as(text).isPresent();
      assertThat(java.time.Instant.parse(coerce(TIMESTAMPTZ, "\"" + text + "\"")))
          .as(text)
          .isEqualTo(instant);
    }
    assertThat(TimeCoercers.utcDateTime("2024-05-01 12:00:00Z")).hasValue("2024-05-01T12:00:00Z");
    for (String notFast :
        List.of(
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:60:00Z",
            "2024-05-01T12:00:60Z",
            "0000-05-01T12:00:00Z",
            "2024-05-01T12:00:00.1234567890Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+00:00",
            "2024-05-01t12:00:00Z",
            "2024-5-01T12:00:00Z")) {
      assertThat(TimeCoercers.utcDateTime(notFast)).as(notFast).isEmpty();
    }
    assertThat(coerce(TIMESTAMPTZ, "\"2024-05-01T12:00:00+00:00\""))
        .isEqualTo("2024-05-01T12:00:00Z");
    assertThat(refusal(TIMESTAMPTZ, "\"2024-02-30T00:00:00Z\"")).contains("is not an ISO-8601");
    assertThat(refusal(TIMESTAMPTZ, "\"2024-05-01T24:00:00Z\"")).contains("is not an ISO-8601");
  }

  @Test
  void jsonColumnsTakeAnyValueAsJson() throws Exception {
    assertThat(coerce(JSONB, "{\"customer\":{\"id\":7,\"tags\":[\"a\"]}}"))
        .isEqualTo("{\"customer\":{\"id\":7,\"tags\":[\"a\"]}}");
    assertThat(coerce(JSONB, "[1,2]")).isEqualTo("[1,2]");
    assertThat(coerce(JSONB, "\"plain\"")).isEqualTo("\"plain\"");
    assertThat(coerce(JSONB, "0.10")).isEqualTo("0.10");
  }

  @Test
  void arraysElementByElement() throws Exception {
    assertThat(coerce(INT_ARRAY, "[1,2,null,\"4\"]")).isEqualTo("{\"1\",\"2\",NULL,\"4\"}");
    assertThat(coerce(TEXT_ARRAY, "[\"a,b\",\"say \\\"hi\\\"\",\"back\\\\slash\"]"))
        .isEqualTo("{\"a,b\",\"say \\\"hi\\\"\",\"back\\\\slash\"}");
    assertThat(coerce(INT_ARRAY, "[]")).isEqualTo("{}");
    assertThat(refusal(INT_ARRAY, "[1,2.5]"))
        .isEqualTo("element 1: 2.5 is not a whole number, and integer needs one");
    assertThat(refusal(INT_ARRAY, "7")).isEqualTo("expected a JSON array, got a number 7");
  }

  @Test
  void byteaTakesBinaryOnlyAsHex() throws Exception {
    Coercer bytea = Coercers.of(BYTEA).orElseThrow();
    assertThat(bytea.apply(new BinaryNode(new byte[] {(byte) 0xde, (byte) 0xad, 0, 0x0f})))
        .isEqualTo("\\xdead000f");
    assertThat(bytea.apply(new BinaryNode(new byte[0]))).isEqualTo("\\x");
    assertThat(refusal(BYTEA, "\"3q2+7w==\""))
        .isEqualTo(
            "bytea takes binary values only (from a change event's bytes), got a string"
                + " \"3q2+7w==\": the encoding of a JSON string (base64, hex, text) is unknown;"
                + " declare it in column-formats");
    assertThat(refusal(BYTEA, "[1,2]")).contains("got an array");
  }

  @Test
  void typeModifiersGiveLengthPrecisionAndScale() {
    assertThat(VARCHAR_5.length()).isEqualTo(5);
    assertThat(MONEY_LIKE.precision()).isEqualTo(12);
    assertThat(MONEY_LIKE.scale()).isEqualTo(2);
    assertThat(NUMERIC.precision()).isEqualTo(-1);
    assertThat(type("time(3) without time zone", "time", 'D', 3).precision()).isEqualTo(3);
    assertThat(type("timestamp(0) with time zone", "timestamptz", 'D', 0).precision()).isZero();
    assertThat(TIMESTAMP.precision()).isEqualTo(-1);
    assertThat(TEXT.precision()).isEqualTo(-1);
  }

  @Test
  void typesWithoutACoercerAreNamed() {
    assertThat(Coercers.of(type("point", "point", 'G', -1))).isEmpty();
    assertThat(Coercers.of(type("mood", "mood", 'E', -1))).isPresent();
    assertThat(Coercers.of(type("interval", "interval", 'T', -1))).isPresent();
  }

  @Test
  void aRowFailureNamesTheColumnAndItsType() throws Exception {
    RowCoercer coercer =
        new RowCoercer(
            List.of(
                new RowCoercer.Column("id", BIGINT, Coercers.of(BIGINT).orElseThrow()),
                new RowCoercer.Column("amount", MONEY_LIKE, Coercers.of(MONEY_LIKE).orElseThrow())),
            List.of());
    JsonNode[] good = {JSON.readTree("1"), JSON.readTree("null")};
    assertThat(coercer.row(good)).containsExactly("1", null);

    JsonNode[] bad = {JSON.readTree("1"), JSON.readTree("1e400")};
    RecordFailure f = catchThrowableOfType(RecordFailure.class, () -> coercer.row(bad));
    assertThat(f.stage()).isEqualTo(Stage.TRANSFORM);
    assertThat(f.reason().code()).isEqualTo("coercion-failed");
    assertThat(f.getMessage())
        .isEqualTo(
            "column \"amount\" (numeric(12,2)): 1E+400 does not fit numeric(12,2) (at most 10"
                + " digits before the decimal point)");
  }

  private static CoercionException refused(ColumnType type, String json) {
    CoercionException e = catchThrowableOfType(CoercionException.class, () -> coerce(type, json));
    assertThat(e).as("%s into %s", json, type.display()).isNotNull();
    return e;
  }

  private static JsonNode[] values(String... json) throws Exception {
    JsonNode[] out = new JsonNode[json.length];
    for (int i = 0; i < json.length; i++) {
      out[i] = JSON.readTree(json[i]);
    }
    return out;
  }

  @Test
  void aNulCharacterInAJsonbValueIsRefusedWithItsOwnReason() throws Exception {
    CoercionException inValue = refused(JSONB, "{\"a\":\"x\\u0000y\"}");
    assertThat(inValue.getMessage())
        .isEqualTo(
            "the JSON holds a NUL character (\\u0000) in a string or field name, which Postgres"
                + " cannot store in jsonb");
    assertThat(inValue.reason().code()).isEqualTo("nul-character");
    assertThat(refused(JSONB, "{\"a\\u0000\":1}").reason().code())
        .as("in a field name")
        .isEqualTo("nul-character");
    assertThat(refused(JSONB, "[[\"\\u0000\"]]").reason().code())
        .as("nested")
        .isEqualTo("nul-character");
    assertThat(refused(JSONB, "\"\\\\\\u0000\"").reason().code())
        .as("an escaped backslash, then a NUL")
        .isEqualTo("nul-character");
  }

  @Test
  void textThatOnlyLooksLikeANulEscapeIsKept() throws Exception {
    // The JSON string holds a backslash and the letters u0000, which jsonb stores as they are.
    assertThat(coerce(JSONB, "{\"a\":\"x\\\\u0000y\"}")).isEqualTo("{\"a\":\"x\\\\u0000y\"}");
    assertThat(TextCoercers.holdsNul("{\"a\":\"\\\\u0000\"}")).isFalse();
    assertThat(TextCoercers.holdsNul("{\"a\":\"\\u0000\"}")).isTrue();
    // json keeps the escape as written, and Postgres takes it.
    assertThat(coerce(JSON_TYPE, "{\"a\":\"x\\u0000y\"}")).isEqualTo("{\"a\":\"x\\u0000y\"}");
  }

  @Test
  void aNulCharacterInTextHasTheSameReasonAlsoInsideAnArray() {
    assertThat(refused(TEXT, "\"a\\u0000b\"").reason().code()).isEqualTo("nul-character");
    CoercionException inArray = refused(TEXT_ARRAY, "[\"ok\",\"a\\u0000b\"]");
    assertThat(inArray.reason().code()).isEqualTo("nul-character");
    assertThat(inArray.getMessage()).startsWith("element 1: the text holds a NUL character");
    assertThat(refused(INTEGER, "\"x\"").reason().code()).isEqualTo("coercion-failed");
  }

  @Test
  void everyBadColumnOfARowIsNamedWithItsReason() throws Exception {
    RowCoercer coercer =
        new RowCoercer(
            List.of(
                new RowCoercer.Column("id", BIGINT, Coercers.of(BIGINT).orElseThrow()),
                new RowCoercer.Column("amount", MONEY_LIKE, Coercers.of(MONEY_LIKE).orElseThrow()),
                new RowCoercer.Column("code", VARCHAR_5, Coercers.of(VARCHAR_5).orElseThrow()),
                new RowCoercer.Column("attrs", JSONB, Coercers.of(JSONB).orElseThrow())),
            List.of());

    RecordFailure f =
        catchThrowableOfType(
            RecordFailure.class,
            () -> coercer.row(values("2.5", "1.00", "\"too long\"", "{\"k\":\"\\u0000\"}")));

    assertThat(f.stage()).isEqualTo(Stage.TRANSFORM);
    assertThat(f.reason().code()).as("a type refusal among them").isEqualTo("coercion-failed");
    assertThat(f.getMessage())
        .isEqualTo(
            "column \"id\" (bigint): 2.5 is not a whole number, and bigint needs one; column"
                + " \"code\" (character varying(5)): the text is 8 characters long, the column"
                + " allows 5 (Ferry does not truncate); column \"attrs\" (jsonb): the JSON holds a"
                + " NUL character (\\u0000) in a string or field name, which Postgres cannot store"
                + " in jsonb");
  }

  @Test
  void aRowWhoseOnlyFaultsAreNulCharactersHasTheNulReason() throws Exception {
    RowCoercer coercer =
        new RowCoercer(
            List.of(
                new RowCoercer.Column("note", TEXT, Coercers.of(TEXT).orElseThrow()),
                new RowCoercer.Column("attrs", JSONB, Coercers.of(JSONB).orElseThrow())),
            List.of());

    RecordFailure f =
        catchThrowableOfType(
            RecordFailure.class, () -> coercer.row(values("\"a\\u0000\"", "{\"k\":\"\\u0000\"}")));

    assertThat(f.reason().code()).isEqualTo("nul-character");
    assertThat(f.getMessage())
        .contains("column \"note\" (text)")
        .contains("column \"attrs\" (jsonb)");
  }
}
