package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.schema;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cdc.ChangeEvent;
import dev.ferry.cdc.DebeziumEnvelope;
import dev.ferry.cdc.FieldType;
import dev.ferry.cdc.Op;
import dev.ferry.cdc.SemanticValues;
import dev.ferry.coerce.ColumnType;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Debezium change events written through a registry's Avro converter: the Avro schema carries the
 * Connect schema in {@code connect.*} properties (as Confluent's AvroData writes it), and the
 * change-event format hands the CDC path the JSON converter's wrapper, so the field types and
 * encodings it already reads apply unchanged.
 */
class AvroChangeEventTest {
  private static final Schema ENVELOPE =
      schema(
          """
          {"type": "record", "name": "Envelope", "namespace": "shop.public.orders",
           "connect.version": 1, "connect.name": "shop.public.orders.Envelope", "fields": [
            {"name": "before", "type": ["null", {"type": "record", "name": "Value",
              "connect.name": "shop.public.orders.Value", "fields": [
              {"name": "id", "type": "int"},
              {"name": "qty", "type": {"type": "int", "connect.type": "int16"}},
              {"name": "amount", "type": ["null", {"type": "bytes", "scale": 2, "precision": 10,
                "connect.version": 1, "connect.name": "org.apache.kafka.connect.data.Decimal",
                "connect.parameters": {"scale": "2", "connect.decimal.precision": "10"},
                "logicalType": "decimal"}], "default": null},
              {"name": "placed_on", "type": ["null", {"type": "int", "connect.version": 1,
                "connect.name": "io.debezium.time.Date"}], "default": null},
              {"name": "updated_at", "type": ["null", {"type": "long", "connect.version": 1,
                "connect.name": "io.debezium.time.MicroTimestamp"}], "default": null},
              {"name": "created", "type": {"type": "string", "connect.version": 1,
                "connect.name": "io.debezium.time.ZonedTimestamp"}},
              {"name": "shipped", "type": ["null", {"type": "int", "logicalType": "date"}],
                "default": null}]}], "default": null},
            {"name": "after", "type": ["null", "Value"], "default": null},
            {"name": "source", "type": {"type": "record", "name": "Source",
              "namespace": "io.debezium.connector.postgresql",
              "connect.name": "io.debezium.connector.postgresql.Source", "fields": [
              {"name": "version", "type": "string"},
              {"name": "lsn", "type": ["null", "long"], "default": null},
              {"name": "ts_ms", "type": "long"}]}},
            {"name": "op", "type": "string"},
            {"name": "ts_ms", "type": ["null", "long"], "default": null}]}
          """);

  private final AvroFixtures.Registry registry = new AvroFixtures.Registry().avro(30, ENVELOPE);

  @Test
  void anEnvelopeBecomesTheConnectWrapperTheChangeEventPathReads() throws Exception {
    ObjectNode value = AvroFormat.forChangeEvents(registry).decode(framed(30, ENVELOPE, event()));

    ChangeEvent event = DebeziumEnvelope.read(value);

    assertThat(event.op()).isEqualTo(Op.UPDATE);
    assertThat(event.position()).isEqualTo(987_654_321L);
    assertThat(event.before()).isNull();
    Map<String, FieldType> types = event.afterTypes();
    assertThat(types.get("qty").type()).isEqualTo("int16");
    assertThat(types.get("amount").name()).contains("org.apache.kafka.connect.data.Decimal");
    assertThat(types.get("amount").parameters()).containsEntry("scale", "2");
    assertThat(types.get("amount").optional()).isTrue();
    assertThat(types.get("created").optional()).isFalse();
    assertThat(normalize(event, "amount", numeric(10, 2)).decimalValue())
        .isEqualTo(new BigDecimal("-12.34"));
    assertThat(normalize(event, "placed_on", type("date")).textValue()).isEqualTo("2024-05-01");
    assertThat(normalize(event, "shipped", type("date")).textValue()).isEqualTo("1969-12-31");
    assertThat(normalize(event, "updated_at", type("timestamp")).textValue())
        .isEqualTo("2024-05-01T12:00:00.123456");
    assertThat(normalize(event, "created", type("timestamptz")).textValue())
        .isEqualTo("2024-05-01T12:00:00.123456Z");
  }

  @Test
  void thePlainFormatKeepsTheEventAsWritten() throws Exception {
    ObjectNode value = new AvroFormat(registry).decode(framed(30, ENVELOPE, event()));

    assertThat(value.get("op").textValue()).isEqualTo("u");
    assertThat(value.at("/after/shipped").textValue()).isEqualTo("1969-12-31");
    assertThat(value.at("/after/amount").decimalValue()).isEqualTo(new BigDecimal("-12.34"));
  }

  @Test
  void aRecordThatIsNoEnvelopeStaysPlainForChangeEvents() throws Exception {
    Schema row = ENVELOPE.getField("source").schema();
    registry.avro(31, row);
    GenericRecord source = source(row);

    ObjectNode value = AvroFormat.forChangeEvents(registry).decode(framed(31, row, source));

    assertThat(value.toString())
        .isEqualTo("{\"version\":\"3.6.1.Final\",\"lsn\":987654321,\"ts_ms\":1714564800000}");
  }

  private static JsonNode normalize(ChangeEvent event, String field, ColumnType column)
      throws Exception {
    return SemanticValues.normalize(
        event.after().get(field), Optional.ofNullable(event.afterTypes().get(field)), column);
  }

  private static GenericRecord event() {
    Schema valueSchema = ENVELOPE.getField("after").schema().getTypes().get(1);
    GenericRecord after = new GenericData.Record(valueSchema);
    after.put("id", 1);
    after.put("qty", 3);
    after.put("amount", new BigDecimal("-12.34"));
    after.put("placed_on", 19_844); // 2024-05-01
    after.put("updated_at", 1_714_564_800_123_456L);
    after.put("created", "2024-05-01T12:00:00.123456Z");
    after.put("shipped", java.time.LocalDate.of(1969, 12, 31));
    GenericRecord event = new GenericData.Record(ENVELOPE);
    event.put("before", null);
    event.put("after", after);
    event.put("source", source(ENVELOPE.getField("source").schema()));
    event.put("op", "u");
    event.put("ts_ms", 1_714_564_800_500L);
    return event;
  }

  private static GenericRecord source(Schema schema) {
    GenericRecord source = new GenericData.Record(schema);
    source.put("version", "3.6.1.Final");
    source.put("lsn", 987_654_321L);
    source.put("ts_ms", 1_714_564_800_000L);
    return source;
  }

  private static ColumnType type(String typname) {
    return ColumnType.of(typname, typname, typname, 'D', -1);
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
