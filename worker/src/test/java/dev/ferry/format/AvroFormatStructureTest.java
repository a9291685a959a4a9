package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Nested shapes: records in records, arrays of records, maps of arrays, unions with null and
 * without, enums, fixed, a recursive record, blocks written in several pieces.
 */
class AvroFormatStructureTest {
  private static final Schema ORDER =
      schema(
          """
          {"type": "record", "name": "Order", "namespace": "shop", "fields": [
            {"name": "id", "type": "long"},
            {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
              {"name": "name", "type": "string"},
              {"name": "address", "type": ["null", {"type": "record", "name": "Address",
                "fields": [{"name": "city", "type": "string"}]}], "default": null}]}},
            {"name": "lines", "type": {"type": "array", "items": {"type": "record",
              "name": "Line", "fields": [{"name": "sku", "type": "string"},
              {"name": "qty", "type": "int"}]}}},
            {"name": "tags", "type": {"type": "map", "values": {"type": "array",
              "items": "string"}}},
            {"name": "status", "type": {"type": "enum", "name": "Status",
              "symbols": ["NEW", "PAID", "SHIPPED"]}},
            {"name": "either", "type": ["string", "long", "null"]},
            {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
            {"name": "note", "type": ["null", "string"], "default": null}]}
          """);

  private static final Schema NODE =
      schema(
          """
          {"type": "record", "name": "Node", "fields": [
            {"name": "value", "type": "int"},
            {"name": "next", "type": ["null", "Node"], "default": null}]}
          """);

  private final AvroFixtures.Registry registry =
      new AvroFixtures.Registry().avro(7, ORDER).avro(8, NODE);
  private final AvroFormat format = new AvroFormat(registry);

  @Test
  void nestedRecordsArraysMapsUnionsAndEnums() throws Exception {
    ObjectNode value = format.decode(framed(7, ORDER, order(42L, "PAID")));

    assertThat(value.toString())
        .isEqualTo(
            "{\"id\":42,\"customer\":{\"name\":\"Ada\",\"address\":{\"city\":\"Zürich\"}},"
                + "\"lines\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-2\",\"qty\":-1}],"
                + "\"tags\":{\"colour\":[\"red\",\"blue\"],\"empty\":[]},"
                + "\"status\":\"PAID\",\"either\":42,\"hash\":\"3q2+7w==\",\"note\":null}");
    assertThat(value.get("id").isLong()).isTrue();
    assertThat(value.get("either").isLong()).isTrue();
    assertThat(value.get("hash").isBinary()).isTrue();
    assertThat(value.get("hash").binaryValue())
        .containsExactly((byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef);
  }

  @Test
  void unionsTakeTheirWrittenBranch() throws Exception {
    GenericRecord withText = order(1L, "NEW");
    withText.put("either", "text");
    withText.put("note", "fragile");
    ((GenericRecord) withText.get("customer")).put("address", null);
    GenericRecord withNull = order(2L, "SHIPPED");
    withNull.put("either", null);

    ObjectNode text = format.decode(framed(7, ORDER, withText));
    ObjectNode nothing = format.decode(framed(7, ORDER, withNull));

    assertThat(text.get("either").textValue()).isEqualTo("text");
    assertThat(text.get("note").textValue()).isEqualTo("fragile");
    assertThat(text.at("/customer/address").isNull()).isTrue();
    assertThat(text.get("status").textValue()).isEqualTo("NEW");
    assertThat(nothing.get("either").isNull()).isTrue();
    assertThat(nothing.get("status").textValue()).isEqualTo("SHIPPED");
  }

  @Test
  void aRecursiveRecordNestsAsDeepAsWritten() throws Exception {
    GenericRecord third = node(3, null);
    GenericRecord list = node(1, node(2, third));

    ObjectNode value = format.decode(framed(8, NODE, list));

    assertThat(value.toString())
        .isEqualTo("{\"value\":1,\"next\":{\"value\":2,\"next\":{\"value\":3,\"next\":null}}}");
  }

  @Test
  void aRecursiveValueNestedBeyondTheStackIsInvalidAvro() {
    // a million levels of {value: 0, next: <branch 1>}: two bytes each, never ending in null
    byte[] body = new byte[2_000_000];
    for (int i = 1; i < body.length; i += 2) {
      body[i] = 2;
    }

    RecordFailure failure =
        catchThrowableOfType(RecordFailure.class, () -> format.decode(framed(8, body)));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(failure.getMessage()).contains("nests deeper than the worker's stack allows");
  }

  @Test
  void arraysWrittenInSeveralBlocksWithByteSizes() throws Exception {
    Schema longs = schema("{\"type\": \"array\", \"items\": \"long\"}");
    registry.avro(9, longs);
    // two blocks, the first with a negative count and its size in bytes (as a writer that
    // buffers does): [-2, size 2, 1, 2], [1, 3], end 0; zig-zag varints
    byte[] body = {3, 4, 2, 4, 2, 6, 0};

    assertThat(format.decodeAny(framed(9, body)).toString()).isEqualTo("[1,2,3]");
  }

  private static GenericRecord order(long id, String status) {
    Schema customerSchema = ORDER.getField("customer").schema();
    Schema addressSchema = customerSchema.getField("address").schema().getTypes().get(1);
    GenericRecord address = new GenericData.Record(addressSchema);
    address.put("city", "Zürich");
    GenericRecord customer = new GenericData.Record(customerSchema);
    customer.put("name", "Ada");
    customer.put("address", address);
    Schema lineSchema = ORDER.getField("lines").schema().getElementType();
    GenericRecord first = new GenericData.Record(lineSchema);
    first.put("sku", "A-1");
    first.put("qty", 2);
    GenericRecord second = new GenericData.Record(lineSchema);
    second.put("sku", "B-2");
    second.put("qty", -1);
    Map<String, List<String>> tags = new LinkedHashMap<>();
    tags.put("colour", List.of("red", "blue"));
    tags.put("empty", List.of());
    GenericRecord order = new GenericData.Record(ORDER);
    order.put("id", id);
    order.put("customer", customer);
    order.put("lines", List.of(first, second));
    order.put("tags", tags);
    order.put("status", new GenericData.EnumSymbol(ORDER.getField("status").schema(), status));
    order.put("either", 42L);
    order.put(
        "hash",
        new GenericData.Fixed(
            ORDER.getField("hash").schema(),
            ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef})
                .array()));
    order.put("note", null);
    return order;
  }

  private static GenericRecord node(int value, GenericRecord next) {
    GenericRecord node = new GenericData.Record(NODE);
    node.put("value", value);
    node.put("next", next);
    return node;
  }
}
