package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import dev.ferry.errors.Reason;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Encodings the real fixtures do not hold (nanoseconds, Connect's logical types, settings other
 * than Debezium's defaults), edge values, and what is refused and why.
 */
class SemanticValuesEdgeTest {
  private static final ColumnType TEXT = Fixtures.COLUMNS.get("c_text");
  private static final ColumnType DATE = Fixtures.COLUMNS.get("c_date");
  private static final ColumnType TIME = Fixtures.COLUMNS.get("c_time");
  private static final ColumnType TIME3 = Fixtures.COLUMNS.get("c_time3");
  private static final ColumnType TIMESTAMP = Fixtures.COLUMNS.get("c_timestamp");
  private static final ColumnType TIMESTAMP3 = Fixtures.COLUMNS.get("c_timestamp3");
  private static final ColumnType TIMESTAMPTZ = Fixtures.COLUMNS.get("c_timestamptz");
  private static final ColumnType NUMERIC_12_4 = Fixtures.COLUMNS.get("c_numeric");
  private static final ColumnType NUMERIC = Fixtures.COLUMNS.get("c_numeric_any");
  private static final ColumnType INTEGER = Fixtures.COLUMNS.get("c_integer");
  private static final ColumnType INTERVAL = Fixtures.COLUMNS.get("c_interval");
  private static final ColumnType JSON = Fixtures.COLUMNS.get("c_json");
  private static final ColumnType JSONB = Fixtures.COLUMNS.get("c_jsonb");
  private static final ColumnType BYTEA = Fixtures.COLUMNS.get("c_bytea");
  private static final ColumnType INT_ARRAY = ColumnType.arrayOf("integer[]", "integer[]", INTEGER);
  private static final ColumnType DATE_ARRAY = ColumnType.arrayOf("date[]", "date[]", DATE);

  private static final Optional<FieldType> NONE = Optional.empty();

  private static Optional<FieldType> named(String type, String name) {
    return Optional.of(FieldType.named(type, name, Map.of()));
  }

  private static Optional<FieldType> decimal(int scale) {
    return Optional.of(
        FieldType.named(
            "bytes", "org.apache.kafka.connect.data.Decimal", Map.of("scale", "" + scale)));
  }

  /** The coerced SQL text of {@code json} normalized for {@code column}. */
  private static String sql(String json, Optional<FieldType> type, ColumnType column)
      throws Exception {
    JsonNode raw = ExactJson.MAPPER.readTree(json);
    return Coercers.of(column).orElseThrow().apply(SemanticValues.normalize(raw, type, column));
  }

  private static String refusal(String json, Optional<FieldType> type, ColumnType column)
      throws Exception {
    JsonNode raw = ExactJson.MAPPER.readTree(json);
    CoercionException e =
        catchThrowableOfType(
            CoercionException.class, () -> SemanticValues.normalize(raw, type, column));
    assertThat(e).as("%s into %s", json, column.display()).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.COERCION_FAILED);
    return e.getMessage();
  }

  @Test
  void nanosecondsLandWhenPostgresKeepsThemAndAreRefusedWhenItWouldRound() throws Exception {
    Optional<FieldType> nanoTs = named("int64", "io.debezium.time.NanoTimestamp");
    assertThat(sql("1714571130123456000", nanoTs, TIMESTAMP))
        .isEqualTo("2024-05-01T13:45:30.123456");
    assertThat(sql("-1000", nanoTs, TIMESTAMPTZ)).isEqualTo("1969-12-31T23:59:59.999999Z");
    assertThat(sql("1714571130123456789", nanoTs, TEXT)).isEqualTo("2024-05-01T13:45:30.123456789");
    assertThat(refusal("1714571130123456789", nanoTs, TIMESTAMP))
        .isEqualTo(
            "1714571130123456789 has nanoseconds, and timestamp without time zone keeps"
                + " microseconds (Ferry does not round)");
    Optional<FieldType> nanoTime = named("int64", "io.debezium.time.NanoTime");
    assertThat(sql("49530123456000", nanoTime, TIME)).isEqualTo("13:45:30.123456");
    assertThat(refusal("49530123456001", nanoTime, TIME)).contains("has nanoseconds");
    assertThat(sql("86400000000", named("int64", "io.debezium.time.MicroTime"), TIME))
        .isEqualTo("24:00:00");
    assertThat(refusal("86400000001", named("int64", "io.debezium.time.MicroTime"), TIME))
        .isEqualTo("86400000001 is not a time of day in micros");
  }

  @Test
  void connectLogicalTypesAreDaysAndMilliseconds() throws Exception {
    assertThat(sql("-719162", named("int32", "org.apache.kafka.connect.data.Date"), DATE))
        .isEqualTo("0001-01-01");
    assertThat(sql("49530123", named("int32", "org.apache.kafka.connect.data.Time"), TIME))
        .isEqualTo("13:45:30.123");
    assertThat(
            sql(
                "1714571130123",
                named("int64", "org.apache.kafka.connect.data.Timestamp"),
                TIMESTAMPTZ))
        .isEqualTo("2024-05-01T13:45:30.123Z");
  }

  @Test
  void zonelessTimestampsAreUtcInTimestamptzAndOutOfRangeYearsAreRefused() throws Exception {
    Optional<FieldType> micro = named("int64", "io.debezium.time.MicroTimestamp");
    assertThat(sql("1714571130123456", micro, TIMESTAMPTZ))
        .isEqualTo("2024-05-01T13:45:30.123456Z");
    assertThat(sql("-62135596800000000", micro, TIMESTAMP)).isEqualTo("0001-01-01T00:00");
    assertThat(refusal("-62135596800000001", micro, TIMESTAMP))
        .contains("is outside the years 1 to 9999");
    assertThat(refusal("1.5", micro, TIMESTAMP))
        .isEqualTo("a MicroTimestamp value must be a whole number, got 1.5");
    assertThat(refusal("19844", named("int32", "io.debezium.time.Date"), TIMESTAMP))
        .isEqualTo("a Date value (19844) cannot go into a timestamp without time zone column");
    assertThat(refusal("\"11:45:30Z\"", named("string", "io.debezium.time.ZonedTime"), TIME))
        .isEqualTo(
            "a ZonedTime value (\"11:45:30Z\") cannot go into a time without time zone column");
  }

  @Test
  void decimalsAreExactWithTheirSignAndScale() throws Exception {
    assertThat(sql("\"/w==\"", decimal(2), NUMERIC_12_4)).isEqualTo("-0.01");
    assertThat(sql("\"AIA=\"", decimal(0), INTEGER)).isEqualTo("128");
    assertThat(sql("\"/38=\"", decimal(4), TEXT)).isEqualTo("-0.0129");
    assertThat(
            catchThrowableOfType(
                CoercionException.class, () -> sql("\"/w==\"", decimal(2), INTEGER)))
        .hasMessage("-0.01 is not a whole number, and integer needs one"); // the coercer's word
  }

  @Test
  void malformedDecimalsAreRefused() throws Exception {
    Optional<FieldType> noScale = named("bytes", "org.apache.kafka.connect.data.Decimal");
    assertThat(refusal("\"AQ==\"", noScale, NUMERIC))
        .startsWith("the org.apache.kafka.connect.data.Decimal schema has no whole \"scale\"");
    assertThat(refusal("\"\"", decimal(2), NUMERIC))
        .isEqualTo("a org.apache.kafka.connect.data.Decimal value has no bytes");
    assertThat(refusal("\"%%\"", decimal(2), NUMERIC)).contains("must be base64");
    Optional<FieldType> variable = named("struct", "io.debezium.data.VariableScaleDecimal");
    assertThat(sql("{\"scale\":-2,\"value\":\"Aw==\"}", variable, NUMERIC)).isEqualTo("300");
    assertThat(refusal("{\"value\":\"Aw==\"}", variable, NUMERIC))
        .startsWith("a io.debezium.data.VariableScaleDecimal value must be a struct");
  }

  @Test
  void withoutSchemasTheColumnTypeDecides() throws Exception {
    assertThat(sql("-1", NONE, DATE)).isEqualTo("1969-12-31");
    assertThat(sql("49530123", NONE, TIME3)).isEqualTo("13:45:30.123");
    assertThat(sql("49530123456", NONE, TIME)).isEqualTo("13:45:30.123456");
    assertThat(sql("1714571130123", NONE, TIMESTAMP3)).isEqualTo("2024-05-01T13:45:30.123");
    assertThat(sql("1714571130123456", NONE, TIMESTAMP)).isEqualTo("2024-05-01T13:45:30.123456");
    assertThat(sql("-1500000", NONE, INTERVAL)).isEqualTo("-1.500000 seconds");
    assertThat(sql("\"AQ==\"", NONE, NUMERIC_12_4)).isEqualTo("0.0001");
    assertThat(sql("{\"scale\":1,\"value\":\"8Q==\"}", NONE, NUMERIC)).isEqualTo("-1.5");
    assertThat(sql("\"{\\\"a\\\": 1.50}\"", NONE, JSONB)).isEqualTo("{\"a\":1.50}");
    assertThat(sql("\"{\\\"a\\\":  1.50}\"", NONE, JSON)).isEqualTo("{\"a\":  1.50}");
    assertThat(sql("\"AP8=\"", NONE, BYTEA)).isEqualTo("\\x00ff");
  }

  @Test
  void withoutSchemasCanonicalValuesPassThrough() throws Exception {
    assertThat(sql("\"12345678.1234\"", NONE, NUMERIC_12_4)).isEqualTo("12345678.1234");
    assertThat(sql("\"-5\"", NONE, NUMERIC)).isEqualTo("-5");
    assertThat(sql("12.5", NONE, NUMERIC)).isEqualTo("12.5");
    assertThat(sql("42", NONE, INTEGER)).isEqualTo("42");
    assertThat(sql("\"2024-05-01\"", NONE, DATE)).isEqualTo("2024-05-01");
    assertThat(sql("\"2024-05-01T13:45:30.123456\"", NONE, TIMESTAMP))
        .isEqualTo("2024-05-01T13:45:30.123456");
    assertThat(sql("\"P1Y2M\"", NONE, INTERVAL)).isEqualTo("P1Y2M");
    assertThat(sql("\"text\"", NONE, TEXT)).isEqualTo("text");
    assertThat(sql("[1,2]", NONE, INT_ARRAY)).isEqualTo("{\"1\",\"2\"}");
  }

  @Test
  void withoutSchemasWhatCannotBeReadExactlyIsRefusedNamingTheSetting() throws Exception {
    assertThat(refusal("\"1234\"", NONE, NUMERIC_12_4))
        .isEqualTo(
            "\"1234\" reads both as a decimal and as base64 bytes, and without schemas Ferry"
                + " cannot tell decimal.handling.mode=string from precise: turn the converter's"
                + " schemas on (value.converter.schemas.enable=true)");
    assertThat(refusal("\"AQ==\"", NONE, NUMERIC))
        .contains("decimal.handling.mode=string or schemas on");
    assertThat(refusal("\"dead beef\"", NONE, BYTEA))
        .isEqualTo(
            "a bytes (without schemas) value must be base64 (binary.handling.mode=bytes or"
                + " base64), got \"dead beef\"");
    assertThat(refusal("\"{not json\"", NONE, JSONB))
        .startsWith("a json (without schemas) value is not valid JSON");
    assertThat(refusal("[19844]", NONE, DATE_ARRAY))
        .isEqualTo(
            "arrays of date from change events are not supported (Debezium encodes their elements)");
  }

  @Test
  void bytesGoToByteaOnlyAndJsonTextToTextAsItIs() throws Exception {
    assertThat(refusal("\"AQ==\"", Optional.of(FieldType.plain("bytes")), TEXT))
        .isEqualTo("a bytes value (\"AQ==\") cannot go into a text column");
    Optional<FieldType> json = named("string", "io.debezium.data.Json");
    assertThat(sql("\"{\\\"b\\\": 1}\"", json, TEXT)).isEqualTo("{\"b\": 1}");
    assertThat(
            sql(
                "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
                named("string", "io.debezium.data.Uuid"),
                Fixtures.COLUMNS.get("c_uuid")))
        .isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  }

  @Test
  void theUnavailablePlaceholderIsRecognisedNotNormalized() throws Exception {
    assertThat(
            SemanticValues.isUnavailable(
                ExactJson.MAPPER.readTree("\"__debezium_unavailable_value\"")))
        .isTrue();
    assertThat(SemanticValues.isUnavailable(ExactJson.MAPPER.readTree("\"other\""))).isFalse();
    assertThat(SemanticValues.isUnavailable(null)).isFalse();
    assertThat(SemanticValues.normalize(null, NONE, TEXT)).isNull();
  }
}
