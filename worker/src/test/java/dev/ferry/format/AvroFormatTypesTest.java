package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.rawBody;
import static dev.ferry.format.AvroFixtures.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Every Avro type and logical type, written by Avro's own writer and read back into the JSON the
 * pipelines map: exact numbers, binary as binary, dates and times as ISO-8601 text, with the edge
 * values (negative decimals, large scales, dates before 1970, max longs, empty bytes).
 */
class AvroFormatTypesTest {
  private static final Schema PRIMITIVES =
      schema(
          """
          {"type": "record", "name": "Primitives", "fields": [
            {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
            {"name": "f", "type": "float"}, {"name": "d", "type": "double"},
            {"name": "b", "type": "boolean"}, {"name": "s", "type": "string"},
            {"name": "raw", "type": "bytes"}, {"name": "n", "type": "null"}]}
          """);

  private static final Schema LOGICAL =
      schema(
          """
          {"type": "record", "name": "Logical", "fields": [
            {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
              "precision": 12, "scale": 4}},
            {"name": "big", "type": {"type": "bytes", "logicalType": "decimal",
              "precision": 60, "scale": 30}},
            {"name": "fixed_amount", "type": {"type": "fixed", "name": "Money", "size": 8,
              "logicalType": "decimal", "precision": 18, "scale": 2}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "t_ms", "type": {"type": "int", "logicalType": "time-millis"}},
            {"name": "t_us", "type": {"type": "long", "logicalType": "time-micros"}},
            {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "ts_ns", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
            {"name": "lts_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
            {"name": "lts_us", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
            {"name": "lts_ns", "type": {"type": "long", "logicalType": "local-timestamp-nanos"}},
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "fixed_id", "type": {"type": "fixed", "name": "Id16", "size": 16,
              "logicalType": "uuid"}}]}
          """);

  private final AvroFixtures.Registry registry =
      new AvroFixtures.Registry().avro(1, PRIMITIVES).avro(2, LOGICAL);
  private final AvroFormat format = new AvroFormat(registry);

  @Test
  void primitivesKeepTheirTypesAndExtremes() throws Exception {
    GenericRecord r = new GenericData.Record(PRIMITIVES);
    r.put("i", Integer.MIN_VALUE);
    r.put("l", Long.MAX_VALUE);
    r.put("f", 0.1f);
    r.put("d", -1.0e300);
    r.put("b", true);
    r.put("s", "grüße, 世界 \uD83D\uDE00");
    r.put("raw", ByteBuffer.allocate(0));
    r.put("n", null);

    ObjectNode value = format.decode(framed(1, PRIMITIVES, r));

    assertThat(value.get("i").isInt()).isTrue();
    assertThat(value.get("i").intValue()).isEqualTo(Integer.MIN_VALUE);
    assertThat(value.get("l").isLong()).isTrue();
    assertThat(value.get("l").longValue()).isEqualTo(Long.MAX_VALUE);
    assertThat(value.get("f").isFloat()).isTrue();
    assertThat(value.get("f").floatValue()).isEqualTo(0.1f);
    assertThat(value.get("d").isDouble()).isTrue();
    assertThat(value.get("d").doubleValue()).isEqualTo(-1.0e300);
    assertThat(value.get("b").booleanValue()).isTrue();
    assertThat(value.get("s").textValue()).isEqualTo("grüße, 世界 \uD83D\uDE00");
    assertThat(value.get("raw").isBinary()).isTrue();
    assertThat(value.get("raw").binaryValue()).isEmpty();
    assertThat(value.get("n").isNull()).isTrue();
    assertThat(fieldNames(value)).containsExactly("i", "l", "f", "d", "b", "s", "raw", "n");
  }

  @Test
  void logicalTypesAreExact() throws Exception {
    UUID id = UUID.fromString("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    GenericRecord r = new GenericData.Record(LOGICAL);
    r.put("amount", new BigDecimal("-12345678.9012"));
    r.put("big", new BigDecimal("-123456789012345678901234567890.123456789012345678901234567890"));
    r.put("fixed_amount", new BigDecimal("-9999999999999999.99"));
    r.put("day", LocalDate.of(1969, 12, 31));
    r.put("t_ms", LocalTime.of(12, 0, 0, 123_000_000));
    r.put("t_us", LocalTime.of(23, 59, 59, 999_999_000));
    r.put("ts_ms", Instant.parse("1969-12-31T23:59:59.999Z"));
    r.put("ts_us", Instant.parse("2024-05-01T12:00:00.123456Z"));
    r.put("ts_ns", Instant.parse("2024-05-01T12:00:00.123456789Z"));
    r.put("lts_ms", LocalDateTime.parse("2024-05-01T12:00:00"));
    r.put("lts_us", LocalDateTime.parse("1900-01-01T00:00:00.000001"));
    r.put("lts_ns", LocalDateTime.parse("2024-05-01T12:00:00.000000001"));
    r.put("id", id);
    r.put("fixed_id", id);

    ObjectNode value = format.decode(framed(2, LOGICAL, r));

    assertDecimal(value.get("amount"), "-12345678.9012");
    assertDecimal(
        value.get("big"), "-123456789012345678901234567890.123456789012345678901234567890");
    assertDecimal(value.get("fixed_amount"), "-9999999999999999.99");
    assertThat(value.get("day").textValue()).isEqualTo("1969-12-31");
    assertThat(value.get("t_ms").textValue()).isEqualTo("12:00:00.123");
    assertThat(value.get("t_us").textValue()).isEqualTo("23:59:59.999999");
    assertThat(value.get("ts_ms").textValue()).isEqualTo("1969-12-31T23:59:59.999Z");
    assertThat(value.get("ts_us").textValue()).isEqualTo("2024-05-01T12:00:00.123456Z");
    assertThat(value.get("ts_ns").textValue()).isEqualTo("2024-05-01T12:00:00.123456789Z");
    assertThat(value.get("lts_ms").textValue()).isEqualTo("2024-05-01T12:00:00.000");
    assertThat(value.get("lts_us").textValue()).isEqualTo("1900-01-01T00:00:00.000001");
    assertThat(value.get("lts_ns").textValue()).isEqualTo("2024-05-01T12:00:00.000000001");
    assertThat(value.get("id").textValue()).isEqualTo(id.toString());
    assertThat(value.get("fixed_id").textValue()).isEqualTo(id.toString());
  }

  @Test
  void edgeValuesOfDatesAndTimes() throws Exception {
    GenericRecord r = new GenericData.Record(LOGICAL);
    fillZeros(r);
    r.put("day", LocalDate.of(1, 1, 1));
    r.put("t_ms", LocalTime.MIDNIGHT);
    r.put("ts_us", Instant.EPOCH.plus(Long.MAX_VALUE, ChronoUnit.MICROS));
    r.put("ts_ms", Instant.EPOCH.plus(Long.MIN_VALUE / 1000, ChronoUnit.SECONDS));
    r.put("amount", BigDecimal.ZERO.setScale(4));

    ObjectNode value = format.decode(framed(2, LOGICAL, r));

    assertThat(value.get("day").textValue()).isEqualTo("0001-01-01");
    assertThat(value.get("t_ms").textValue()).isEqualTo("00:00:00.000");
    // as java.time writes it: a year past 9999 has its sign, which the coercers refuse by range
    assertThat(value.get("ts_us").textValue())
        .isEqualTo(Instant.EPOCH.plus(Long.MAX_VALUE, ChronoUnit.MICROS).toString());
    assertThat(value.get("ts_us").textValue()).isEqualTo("+294247-01-10T04:00:54.775807Z");
    assertThat(value.get("ts_ms").textValue())
        .isEqualTo(Instant.ofEpochSecond(Long.MIN_VALUE / 1000).toString().replace("Z", ".000Z"));
    assertDecimal(value.get("amount"), "0.0000");
  }

  @Test
  void theEndOfTheDayIsATimeButPastItIsInvalid() throws Exception {
    Schema millis = schema("{\"type\": \"int\", \"logicalType\": \"time-millis\"}");
    Schema micros = schema("{\"type\": \"long\", \"logicalType\": \"time-micros\"}");
    registry.avro(3, millis).avro(4, micros);

    assertThat(format.decodeAny(framed(3, rawBody(millis, 86_400_000))).textValue())
        .isEqualTo("24:00:00.000");
    assertThat(format.decodeAny(framed(4, rawBody(micros, 1L))).textValue())
        .isEqualTo("00:00:00.000001");
    RecordFailure negative =
        catchThrowableOfType(
            RecordFailure.class, () -> format.decodeAny(framed(3, rawBody(millis, -1))));
    RecordFailure tooLate =
        catchThrowableOfType(
            RecordFailure.class,
            () -> format.decodeAny(framed(4, rawBody(micros, 86_400_000_001L))));
    assertThat(negative.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(negative.getMessage()).contains("time-millis value -1 is not a time of day");
    assertThat(tooLate.getMessage()).contains("time-micros value 86400000001");
  }

  private static void fillZeros(GenericRecord r) {
    r.put("amount", BigDecimal.ZERO.setScale(4));
    r.put("big", BigDecimal.ZERO.setScale(30));
    r.put("fixed_amount", BigDecimal.ZERO.setScale(2));
    r.put("day", LocalDate.EPOCH);
    r.put("t_ms", LocalTime.MIDNIGHT);
    r.put("t_us", LocalTime.MIDNIGHT);
    r.put("ts_ms", Instant.EPOCH);
    r.put("ts_us", Instant.EPOCH);
    r.put("ts_ns", Instant.EPOCH);
    r.put("lts_ms", LocalDateTime.of(1970, 1, 1, 0, 0));
    r.put("lts_us", LocalDateTime.of(1970, 1, 1, 0, 0));
    r.put("lts_ns", LocalDateTime.of(1970, 1, 1, 0, 0));
    r.put("id", new UUID(0, 0));
    r.put("fixed_id", new UUID(0, 0));
  }

  static void assertDecimal(JsonNode node, String expected) {
    assertThat(node.isBigDecimal()).as("%s is a BigDecimal", node).isTrue();
    assertThat(node.decimalValue()).isEqualTo(new BigDecimal(expected)); // scale included
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
