package dev.ferry.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.StringValue;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.WrappersProto;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Protobuf format does with the schemas it is given: imports, kinds, proto2. */
class ProtobufSchemaHandlingTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final RegistrySchema.Reference MONEY =
      new RegistrySchema.Reference("shop/money.proto", "money-value", 3);
  private static final String MONEY_PROTO =
      """
      syntax = "proto3";
      package shop.common;
      message Money { string currency = 1; int64 cents = 2; }
      """;
  private static final String PAYMENT_PROTO =
      """
      syntax = "proto3";
      package shop.v1;
      import "shop/money.proto";
      message Payment { shop.common.Money amount = 1; common.Money refund = 2; }
      """;

  private final ProtoTestSchemas schemas = new ProtoTestSchemas();
  private final ProtobufFormat format = new ProtobufFormat(schemas);

  @Test
  void importsComeFromTheReferencesTheRegistryLists() throws Exception {
    schemas.protobuf(1, PAYMENT_PROTO, MONEY).referenced(MONEY, 2, MONEY_PROTO);
    FileDescriptor money =
        FileDescriptor.buildFrom(
            ProtoParser.parse("shop/money.proto", MONEY_PROTO), new FileDescriptor[0]);
    Descriptor moneyType = money.findMessageTypeByName("Money");
    FileDescriptor payment =
        FileDescriptor.buildFrom(
            ProtoTypeResolver.resolve(ProtoParser.parse("p.proto", PAYMENT_PROTO), List.of(money)),
            new FileDescriptor[] {money});
    Descriptor paymentType = payment.findMessageTypeByName("Payment");
    DynamicMessage body =
        DynamicMessage.newBuilder(paymentType)
            .setField(
                paymentType.findFieldByName("amount"),
                DynamicMessage.newBuilder(moneyType)
                    .setField(moneyType.findFieldByName("currency"), "EUR")
                    .setField(moneyType.findFieldByName("cents"), 1999L)
                    .build())
            .build();

    assertThat(format.decode(ProtobufFormatTest.framed(1, new byte[] {0}, body)))
        .isEqualTo(
            NODES
                .objectNode()
                .putNull("refund")
                .set("amount", NODES.objectNode().put("currency", "EUR").put("cents", 1999L)));
    assertThat(payment.findMessageTypeByName("Payment").findFieldByName("refund").getMessageType())
        .isEqualTo(moneyType);
  }

  @Test
  void googlesWellKnownTypesNeedNoReference() throws Exception {
    schemas.protobuf(
        1,
        """
        syntax = "proto3";
        import "google/protobuf/any.proto";
        import "google/protobuf/api.proto";
        import "google/protobuf/descriptor.proto";
        import "google/protobuf/duration.proto";
        import "google/protobuf/empty.proto";
        import "google/protobuf/field_mask.proto";
        import "google/protobuf/source_context.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/timestamp.proto";
        import "google/protobuf/type.proto";
        import "google/protobuf/wrappers.proto";
        message M { google.protobuf.Duration took = 1; google.protobuf.Empty nothing = 2; }
        """);

    assertThat(format.decode(new byte[] {0, 0, 0, 0, 1, 0}))
        .isEqualTo(NODES.objectNode().putNull("took").putNull("nothing"));
    assertThat(schemas.lookups).hasValue(1);
  }

  @Test
  void anImportTheRegistryDoesNotListIsInvalidProtobuf() {
    schemas.protobuf(1, PAYMENT_PROTO);
    assertInvalid(new byte[] {0, 0, 0, 0, 1, 0}, "imports shop/money.proto, which is neither");
  }

  @Test
  void aReferenceTheRegistryDoesNotHaveIsAnUnknownSchema() {
    schemas.protobuf(1, PAYMENT_PROTO, MONEY);
    assertThatThrownBy(() -> format.decode(new byte[] {0, 0, 0, 0, 1, 0}))
        .isInstanceOfSatisfying(
            RecordFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA));
  }

  @Test
  void aSchemaOfAnotherKindOrUnreadableIsInvalidProtobuf() {
    schemas.add(new RegistrySchema(1, "AVRO", "\"string\"", List.of()));
    assertInvalid(new byte[] {0, 0, 0, 0, 1, 0}, "schema 1 is AVRO, not PROTOBUF");
    schemas.protobuf(2, "syntax = \"proto3\"; message M { int32 x = ; }");
    assertInvalid(new byte[] {0, 0, 0, 0, 2, 0}, "line 1: expected an integer");
    schemas.protobuf(3, "syntax = \"proto3\"; message M { int32 x = 1; string y = 1; }");
    assertInvalid(new byte[] {0, 0, 0, 0, 3, 0}, "does not hold together");
  }

  @Test
  void proto2FieldsNotSentAreNullAndRequiredOnesMustBeSent() throws Exception {
    schemas.protobuf(
        1,
        """
        syntax = "proto2";
        message Reading { required string sensor = 1; optional int32 value = 2; }
        """);
    Descriptor reading =
        FileDescriptor.buildFrom(
                FileDescriptorProto.newBuilder()
                    .setName("r.proto")
                    .addMessageType(
                        DescriptorProto.newBuilder()
                            .setName("Reading")
                            .addField(
                                ProtoFixtures.scalar("sensor", 1, Type.TYPE_STRING)
                                    .setLabel(Label.LABEL_REQUIRED)))
                    .build(),
                new FileDescriptor[0])
            .findMessageTypeByName("Reading");
    DynamicMessage sent =
        DynamicMessage.newBuilder(reading)
            .setField(reading.findFieldByName("sensor"), "t1")
            .build();

    assertThat(format.decode(ProtobufFormatTest.framed(1, new byte[] {0}, sent)))
        .isEqualTo(NODES.objectNode().put("sensor", "t1").putNull("value"));
    assertInvalid(
        ProtobufFormatTest.framed(1, new byte[] {0}, DynamicMessage.getDefaultInstance(reading)),
        "not a Reading message");
  }

  @Test
  void enumNumbersTheSchemaDoesNotNameAreKeptAsNumbers() throws Exception {
    schemas.protobuf(
        1, "syntax = \"proto3\"; enum Kind { NONE = 0; RAW = 1; } message M { Kind kind = 1; }");
    Descriptor m =
        FileDescriptor.buildFrom(
                ProtoTypeResolver.resolve(
                    ProtoParser.parse(
                        "m.proto", "syntax = \"proto3\"; message M { int32 kind = 1; }"),
                    List.of()),
                new FileDescriptor[0])
            .findMessageTypeByName("M");
    DynamicMessage body =
        DynamicMessage.newBuilder(m).setField(m.findFieldByName("kind"), 9).build();

    assertThat(format.decode(ProtobufFormatTest.framed(1, new byte[] {0}, body)))
        .isEqualTo(NODES.objectNode().put("kind", 9));
  }

  @Test
  void everyWrapperIsItsValue() throws Exception {
    String text =
        """
        syntax = "proto3";
        import "google/protobuf/wrappers.proto";
        message W {
          google.protobuf.BytesValue b = 1;
          google.protobuf.UInt64Value u = 2;
          google.protobuf.StringValue s = 3;
          google.protobuf.BoolValue t = 4;
          google.protobuf.UInt32Value v = 5;
          google.protobuf.DoubleValue d = 6;
        }
        """;
    schemas.protobuf(1, text);
    FileDescriptor wrappers = WrappersProto.getDescriptor();
    Descriptor w =
        FileDescriptor.buildFrom(
                ProtoTypeResolver.resolve(ProtoParser.parse("w.proto", text), List.of(wrappers)),
                new FileDescriptor[] {wrappers})
            .findMessageTypeByName("W");
    DynamicMessage body =
        DynamicMessage.newBuilder(w)
            .setField(w.findFieldByName("b"), BytesValue.of(ByteString.copyFromUtf8("hi")))
            .setField(w.findFieldByName("u"), UInt64Value.of(-2L))
            .setField(w.findFieldByName("s"), StringValue.of(""))
            .setField(w.findFieldByName("t"), BoolValue.of(true))
            .setField(w.findFieldByName("v"), UInt32Value.of(7))
            .build();

    assertThat(format.decode(ProtobufFormatTest.framed(1, new byte[] {0}, body)))
        .isEqualTo(
            NODES
                .objectNode()
                .put("b", "hi".getBytes(StandardCharsets.UTF_8))
                .put("u", new BigInteger("18446744073709551614"))
                .put("s", "")
                .put("t", true)
                .put("v", 7)
                .putNull("d"));
  }

  private void assertInvalid(byte[] record, String message) {
    assertThatThrownBy(() -> format.decode(record))
        .isInstanceOfSatisfying(
            RecordFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.INVALID_PROTOBUF))
        .hasMessageContaining(message);
  }
}
