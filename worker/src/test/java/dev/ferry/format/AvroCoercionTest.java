package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The decoded values through the real coercers, for each Postgres column type docs/formats.md
 * promises for an Avro type: the text Postgres is given is the value written, exactly.
 */
class AvroCoercionTest {
  private static final Schema ROW =
      schema(
          """
          {"type": "record", "name": "Row", "fields": [
            {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
              "precision": 38, "scale": 10}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
            {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
            {"name": "clock", "type": {"type": "long", "logicalType": "time-micros"}},
            {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
            {"name": "raw", "type": "bytes"},
            {"name": "name", "type": "string"},
            {"name": "count", "type": "long"},
            {"name": "ratio", "type": "double"},
            {"name": "flag", "type": "boolean"},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
            {"name": "scores", "type": {"type": "array", "items": "int"}},
            {"name": "detail", "type": {"type": "record", "name": "Detail", "fields": [
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal",
                "precision": 9, "scale": 3}},
              {"name": "tags", "type": {"type": "map", "values": "string"}}]}}]}
          """);

  private final AvroFormat format = new AvroFormat(new AvroFixtures.Registry().avro(1, ROW));

  @Test
  void everyPromisedColumnTypeTakesItsValueExactly() throws Exception {
    ObjectNode v = format.decode(framed(1, ROW, row()));

    assertThat(coerce(numeric(38, 10), v, "amount")).isEqualTo("-1234567890123.4567890123");
    assertThat(coerce(numeric(30, 12), v, "amount")).isEqualTo("-1234567890123.4567890123");
    assertThat(coerce(type("date", "date"), v, "day")).isEqualTo("1969-07-20");
    assertThat(coerce(type("timestamptz", "timestamptz"), v, "at"))
        .isEqualTo("1969-07-20T20:17:40.123456Z");
    assertThat(coerce(type("timestamp", "timestamp"), v, "local"))
        .isEqualTo("2024-02-29T23:59:59.999999");
    assertThat(coerce(type("time", "time"), v, "clock")).isEqualTo("08:30:00.000001");
    assertThat(coerce(type("uuid", "uuid"), v, "id"))
        .isEqualTo("f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    assertThat(coerce(type("bytea", "bytea"), v, "raw")).isEqualTo("\\x00ff10");
    assertThat(coerce(type("text", "text"), v, "name")).isEqualTo("Ada \"the\" first");
    assertThat(coerce(type("text", "text"), v, "kind")).isEqualTo("B");
    assertThat(coerce(type("bigint", "int8"), v, "count"))
        .isEqualTo(String.valueOf(Long.MIN_VALUE));
    assertThat(coerce(type("double precision", "float8"), v, "ratio")).isEqualTo("0.1");
    assertThat(coerce(type("boolean", "bool"), v, "flag")).isEqualTo("true");
    assertThat(
            Coercers.of(ColumnType.arrayOf("integer[]", "integer[]", type("integer", "int4")))
                .orElseThrow()
                .apply(v.get("scores")))
        .isEqualTo("{\"1\",\"-2\"}");
    assertThat(coerce(type("jsonb", "jsonb"), v, "detail"))
        .isEqualTo("{\"price\":-0.500,\"tags\":{\"k\":\"v\"}}");
  }

  @Test
  void aDecimalTooPreciseForItsColumnIsRefusedNotRounded() throws Exception {
    ObjectNode v = format.decode(framed(1, ROW, row()));

    CoercionException refused =
        catchThrowableOfType(
            CoercionException.class,
            () -> Coercers.of(numeric(20, 2)).orElseThrow().apply(v.get("amount")));

    assertThat(refused).isNotNull();
  }

  private static GenericRecord row() {
    GenericRecord detail = new GenericData.Record(ROW.getField("detail").schema());
    detail.put("price", new BigDecimal("-0.500"));
    detail.put("tags", java.util.Map.of("k", "v"));
    GenericRecord r = new GenericData.Record(ROW);
    r.put("amount", new BigDecimal("-1234567890123.4567890123"));
    r.put("day", LocalDate.of(1969, 7, 20));
    r.put("at", Instant.parse("1969-07-20T20:17:40.123456Z"));
    r.put("local", LocalDateTime.parse("2024-02-29T23:59:59.999999"));
    r.put("clock", LocalTime.parse("08:30:00.000001"));
    r.put("id", UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
    r.put("raw", ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 0x10}));
    r.put("name", "Ada \"the\" first");
    r.put("count", Long.MIN_VALUE);
    r.put("ratio", 0.1);
    r.put("flag", true);
    r.put("kind", new GenericData.EnumSymbol(ROW.getField("kind").schema(), "B"));
    r.put("scores", List.of(1, -2));
    r.put("detail", detail);
    return r;
  }

  private static String coerce(ColumnType type, ObjectNode value, String field)
      throws CoercionException {
    return Coercers.of(type).orElseThrow().apply(value.get(field));
  }

  private static ColumnType type(String display, String typname) {
    char category = typname.equals("text") ? 'S' : 'U';
    return ColumnType.of(display, display, typname, category, -1);
  }

  private static ColumnType numeric(int precision, int scale) {
    return ColumnType.of(
        "numeric(" + precision + "," + scale + ")",
        "numeric",
        "numeric",
        'N',
        ((precision << 16) | scale) + 4);
  }
}
