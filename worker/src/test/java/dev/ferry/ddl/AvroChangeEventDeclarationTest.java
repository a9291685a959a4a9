package dev.ferry.ddl;

import static dev.ferry.ddl.TestSchemas.pipeline;
import static dev.ferry.ddl.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.PipelineSettings;
import dev.ferry.format.Formats;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * A Debezium change event written through a registry's Avro converter declares its table through
 * the Connect schema the change-event format rebuilds from the Avro one, keyed by the Avro key's
 * fields.
 */
class AvroChangeEventDeclarationTest {
  private static final String ENVELOPE =
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
          {"name": "updated_at", "type": ["null", {"type": "long", "connect.version": 1,
            "connect.name": "io.debezium.time.MicroTimestamp"}], "default": null},
          {"name": "created", "type": {"type": "string", "connect.version": 1,
            "connect.name": "io.debezium.time.ZonedTimestamp"}}]}], "default": null},
        {"name": "after", "type": ["null", "Value"], "default": null},
        {"name": "op", "type": "string"}]}
      """;
  private static final String KEY =
      """
      {"type": "record", "name": "Key", "namespace": "shop.public.orders",
       "connect.name": "shop.public.orders.Key", "fields": [{"name": "id", "type": "int"}]}
      """;

  @Test
  void theAfterStructOfAnAvroEnvelopeDeclaresTheTable() throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    registry.schemas.put(30, ENVELOPE);
    registry.schemas.put(31, KEY);
    PipelineSettings p =
        pipeline(
            "  - {name: orders, topics: [t], table: t, envelope: debezium, format: avro,"
                + " key-format: avro, auto-create: true}\n",
            "http://registry:8080");
    Schema envelope = new Schema.Parser().parse(ENVELOPE);
    Schema valueSchema = envelope.getField("after").schema().getTypes().get(1);
    GenericRecord after = new GenericData.Record(valueSchema);
    after.put("id", 7);
    after.put("qty", 2);
    after.put("created", "2026-01-02T03:04:05.000000Z");
    GenericRecord event = new GenericData.Record(envelope);
    event.put("after", after);
    event.put("op", "c");
    Schema keySchema = new Schema.Parser().parse(KEY);
    GenericRecord key = new GenericData.Record(keySchema);
    key.put("id", 7);
    byte[] value = framed(30, envelope, event);
    ObjectNode decoded = Formats.of(p, Optional.of(registry)).value().decode(value);

    DeclaredTable t =
        DeclaredSchemas.forPipeline(p, Optional.of(registry))
            .of(record(framed(31, keySchema, key), value), decoded)
            .orElseThrow();

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("id", "integer", false),
            new DeclaredColumn("qty", "smallint", false),
            new DeclaredColumn("amount", "numeric(10,2)", true),
            new DeclaredColumn("updated_at", "timestamp", true),
            new DeclaredColumn("created", "timestamptz", false));
    assertThat(t.keyColumns()).containsExactly("id");
  }

  private static byte[] framed(int id, Schema schema, GenericRecord datum) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
