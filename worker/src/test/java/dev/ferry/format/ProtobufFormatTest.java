package dev.ferry.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProtobufFormatTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int ID = 7;

  private final ProtoTestSchemas schemas =
      new ProtoTestSchemas().protobuf(ID, ProtoFixtures.ORDERS_PROTO);
  private final ProtobufFormat format = new ProtobufFormat(schemas);
  private FileDescriptor file;
  private Descriptor order;
  private Descriptor line;
  private Descriptor money;

  @BeforeEach
  void buildTheProducersDescriptors() throws Exception {
    file = ProtoFixtures.ordersFile("producer.proto");
    order = file.findMessageTypeByName("Order");
    line = order.findNestedTypeByName("Line");
    money = file.findMessageTypeByName("Money");
  }

  /** Magic byte 0, the schema id, the message indexes as given, the body. */
  static byte[] framed(int id, byte[] indexes, Message body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
    bytes.writeBytes(indexes);
    bytes.writeBytes(body.toByteArray());
    return bytes.toByteArray();
  }

  private static byte[] first() {
    return new byte[] {0};
  }

  @Test
  void everyFieldTypeDecodesIntoItsExactNode() throws Exception {
    DynamicMessage price =
        DynamicMessage.newBuilder(money)
            .setField(
                money.findFieldByName("currency"),
                money.getEnumTypes().get(0).findValueByName("USD"))
            .setField(money.findFieldByName("units"), -12L)
            .setField(money.findFieldByName("nanos"), 500_000_000)
            .build();
    DynamicMessage aLine =
        DynamicMessage.newBuilder(line)
            .setField(line.findFieldByName("sku"), "A-1")
            .setField(line.findFieldByName("quantity"), 3)
            .setField(line.findFieldByName("price"), price)
            .build();
    DynamicMessage.Builder message = DynamicMessage.newBuilder(order);
    message
        .setField(order.findFieldByName("id"), 9_000_000_000L)
        .setField(
            order.findFieldByName("status"),
            order.findEnumTypeByName("Status").findValueByName("SHIPPED"))
        .addRepeatedField(order.findFieldByName("lines"), aLine)
        .addRepeatedField(order.findFieldByName("tags"), entry(order, "tags", "rush", 1))
        .setField(order.findFieldByName("note"), "")
        .setField(
            order.findFieldByName("placed_at"),
            Timestamp.newBuilder().setSeconds(1_714_564_800L).setNanos(123_456_789).build())
        .setField(order.findFieldByName("discount"), Int64Value.of(-250L))
        .setField(order.findFieldByName("card"), "visa")
        .addRepeatedField(
            order.findFieldByName("lines_by_number"), entry(order, "lines_by_number", 42L, aLine))
        .addRepeatedField(order.findFieldByName("codes"), 5)
        .addRepeatedField(order.findFieldByName("codes"), -6)
        .setField(
            order.findFieldByName("blob"), ByteString.copyFrom(new byte[] {1, 2, (byte) 0xff}))
        .setField(order.findFieldByName("big"), -1L)
        .setField(order.findFieldByName("delta"), -7)
        .setField(order.findFieldByName("f64"), Long.MIN_VALUE)
        .setField(order.findFieldByName("ratio"), 0.1)
        .setField(order.findFieldByName("weight"), 1.5f)
        .setField(order.findFieldByName("gift_wrapped"), true)
        .setField(order.findFieldByName("u32"), -1)
        .setField(order.findFieldByName("sf64"), -8L)
        .setField(order.findFieldByName("f32"), 8);

    ObjectNode tree = format.decode(framed(ID, first(), message.build()));

    ObjectNode lineTree = NODES.objectNode().put("sku", "A-1").put("quantity", 3);
    lineTree.set(
        "price",
        NODES.objectNode().put("currency", "USD").put("units", -12L).put("nanos", 500_000_000));
    ObjectNode expected = NODES.objectNode().put("id", 9_000_000_000L).put("status", "SHIPPED");
    expected.set("lines", NODES.arrayNode().add(lineTree));
    expected.set("tags", NODES.objectNode().put("rush", 1));
    expected
        .put("note", "")
        .put("placed_at", "2024-05-01T12:00:00.123456789Z")
        .put("discount", -250L);
    expected.put("card", "visa").set("cash_currency", NODES.nullNode());
    expected.set("lines_by_number", NODES.objectNode().set("42", lineTree));
    expected.set("codes", NODES.arrayNode().add(5).add(-6));
    expected.put("blob", new byte[] {1, 2, (byte) 0xff});
    expected.put("big", new BigInteger("18446744073709551615"));
    expected.put("delta", -7);
    expected.put("f64", new BigInteger("9223372036854775808"));
    expected
        .put("ratio", 0.1)
        .put("weight", 1.5f)
        .put("gift_wrapped", true)
        .put("u32", 4_294_967_295L);
    expected.set("gift", NODES.nullNode());
    expected.put("sf64", -8L).put("f32", 8);
    assertThat(tree).isEqualTo(expected);
    assertThat(tree.get("u32").isLong()).isTrue();
    assertThat(tree.get("id").isLong()).isTrue();
    assertThat(tree.get("delta").isInt()).isTrue();
    assertThat(tree.get("weight").isFloat()).isTrue();
  }

  private static DynamicMessage entry(Descriptor owner, String field, Object key, Object value) {
    Descriptor entry = owner.findFieldByName(field).getMessageType();
    return DynamicMessage.newBuilder(entry)
        .setField(entry.findFieldByName("key"), key)
        .setField(entry.findFieldByName("value"), value)
        .build();
  }

  @Test
  void anEmptyBodyGivesDefaultsForPlainScalarsAndNullWhereThereIsPresence() throws Exception {
    ObjectNode tree = format.decode(framed(ID, first(), DynamicMessage.getDefaultInstance(order)));

    assertThat(tree.get("id")).isEqualTo(NODES.numberNode(0L));
    assertThat(tree.get("status")).isEqualTo(NODES.textNode("STATUS_UNSPECIFIED"));
    assertThat(tree.get("blob")).isEqualTo(NODES.binaryNode(new byte[0]));
    assertThat(tree.get("ratio")).isEqualTo(NODES.numberNode(0.0));
    assertThat(tree.get("gift_wrapped")).isEqualTo(NODES.booleanNode(false));
    assertThat(tree.get("lines")).isEqualTo(NODES.arrayNode());
    assertThat(tree.get("tags")).isEqualTo(NODES.objectNode());
    for (String withPresence :
        List.of("note", "placed_at", "discount", "card", "cash_currency", "gift")) {
      assertThat(tree.get(withPresence)).as(withPresence).isEqualTo(NODES.nullNode());
    }
  }

  @Test
  void messageIndexesSelectNestedAndLaterMessagesSkippingMapEntries() throws Exception {
    Descriptor gift = order.findNestedTypeByName("Gift");
    DynamicMessage aGift =
        DynamicMessage.newBuilder(gift).setField(gift.findFieldByName("message"), "hi").build();
    // [0, 1]: count 2, then 0 and 1, zigzag encoded. Gift is Order's second written nested
    // message; TagsEntry, before it in the descriptor, is not written in the schema.
    assertThat(format.decode(framed(ID, new byte[] {4, 0, 2}, aGift)))
        .isEqualTo(NODES.objectNode().put("message", "hi"));

    DynamicMessage aMoney =
        DynamicMessage.newBuilder(money).setField(money.findFieldByName("units"), 5L).build();
    assertThat(format.decode(framed(ID, new byte[] {2, 2}, aMoney)))
        .isEqualTo(NODES.objectNode().put("currency", "EUR").put("units", 5L).put("nanos", 0));
  }

  @Test
  void timestampsAreInstantsWithTheirFractionAndWrappersTheirValue() throws Exception {
    DynamicMessage micros =
        DynamicMessage.newBuilder(order)
            .setField(
                order.findFieldByName("placed_at"),
                Timestamp.newBuilder().setSeconds(1_714_564_800L).setNanos(123_456_000).build())
            .setField(order.findFieldByName("discount"), Int64Value.of(0L))
            .build();
    ObjectNode tree = format.decode(framed(ID, first(), micros));
    assertThat(tree.get("placed_at")).isEqualTo(NODES.textNode("2024-05-01T12:00:00.123456Z"));
    assertThat(tree.get("discount")).isEqualTo(NODES.numberNode(0L));

    DynamicMessage whole =
        DynamicMessage.newBuilder(order)
            .setField(
                order.findFieldByName("placed_at"), Timestamp.newBuilder().setSeconds(-1L).build())
            .build();
    assertThat(format.decode(framed(ID, first(), whole)).get("placed_at"))
        .isEqualTo(NODES.textNode("1969-12-31T23:59:59Z"));
  }

  @Test
  void theSchemaIsFetchedAndBuiltOncePerId() throws Exception {
    byte[] record = framed(ID, first(), DynamicMessage.getDefaultInstance(order));
    format.decode(record);
    format.decode(record);
    assertThat(schemas.lookups).hasValue(1);
  }

  @Test
  void badBodiesAreInvalidProtobuf() {
    // Field 1 (id) as a varint whose bytes never end; then a string longer than the bytes left.
    byte[] header = framed(ID, first(), DynamicMessage.getDefaultInstance(order));
    assertInvalid(
        concat(header, new byte[] {0x08, (byte) 0x80, (byte) 0x80}), "not a shop.v1.Order");
    assertInvalid(concat(header, new byte[] {0x12 + 0x50, 0x0a, 'a'}), "not a shop.v1.Order");
  }

  @Test
  void badMessageIndexesAreInvalidProtobuf() {
    DynamicMessage body = DynamicMessage.getDefaultInstance(order);
    assertInvalid(framed(ID, new byte[] {2, 4}, body), "name no message");
    assertInvalid(
        framed(ID, new byte[] {4, 0, 8}, body),
        "name no message of schema-7.proto (in shop.v1.Order)");
    assertInvalid(framed(ID, new byte[] {2, 1}, body), "is negative");
    assertInvalid(framed(ID, new byte[] {3}, body), "count -2 is impossible");
    assertInvalid(new byte[] {0, 0, 0, 0, ID, 4, 0}, "count 2 is impossible (1 byte(s) follow it)");
    assertInvalid(new byte[] {0, 0, 0, 0, ID, 4, (byte) 0x80, (byte) 0x80}, "cut short");
    assertInvalid(new byte[] {0, 0, 0, 0, ID}, "cut short");
    byte[] endless = {
      0, 0, 0, 0, ID, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0
    };
    assertInvalid(endless, "longer than 5 bytes");
  }

  private void assertInvalid(byte[] record, String message) {
    assertThatThrownBy(() -> format.decode(record))
        .isInstanceOfSatisfying(
            RecordFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.INVALID_PROTOBUF))
        .hasMessageContaining(message);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
