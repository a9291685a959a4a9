package dev.ferry.format;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;

/**
 * A {@code .proto} file with every construct the parser reads, and the descriptor protoc gives for
 * it, written by hand with protobuf-java's API, less the options (the parser skips them: protoc
 * would also keep {@code java_package}, {@code deprecated} and {@code packed} here).
 */
final class ProtoFixtures {
  static final String ORDERS_PROTO =
      """
      // Orders, as a producer writes them.
      syntax = "proto3";
      package shop.v1;

      import "google/protobuf/timestamp.proto";
      import public "google/protobuf/wrappers.proto";

      option java_package = "com.example.shop";

      /* An order,
         with its lines. */
      message Order {
        option deprecated = false;
        reserved 30, 31 to 35;
        reserved "legacy";

        enum Status {
          option deprecated = false;
          STATUS_UNSPECIFIED = 0;
          PLACED = 1;
          SHIPPED = 2 [deprecated = true];
        }

        message Line {
          string sku = 1;
          int32 quantity = 2;
          Money price = 3;
        }

        int64 id = 1;
        Status status = 2;
        repeated Line lines = 3;
        map<string, int32> tags = 4;

        message Gift { string message = 1; }

        optional string note = 5;
        google.protobuf.Timestamp placed_at = 6;
        google.protobuf.Int64Value discount = 7;
        oneof payment {
          string card = 8;
          Money.Currency cash_currency = 9;
        }
        map<int64, Line> lines_by_number = 10;
        repeated int32 codes = 11 [packed = true];
        bytes blob = 12;
        uint64 big = 13;
        sint32 delta = 14;
        fixed64 f64 = 15;
        double ratio = 16;
        float weight = 17;
        bool gift_wrapped = 18;
        uint32 u32 = 19;
        .shop.v1.Order.Gift gift = 20;
        sfixed64 sf64 = 21;
        fixed32 f32 = 22;
      }

      message Money {
        enum Currency { EUR = 0; USD = 0x1; }
        Currency currency = 1;
        sint64 units = 2;
        sfixed32 nanos = 3;
      }

      service Orders { rpc Place (Order) returns (Order) { option idempotency_level = IDEMPOTENT; } }
      """;

  private ProtoFixtures() {}

  /** protoc's descriptor of {@link #ORDERS_PROTO}, named {@code name}. */
  static FileDescriptorProto ordersProto(String name) {
    return FileDescriptorProto.newBuilder()
        .setName(name)
        .setPackage("shop.v1")
        .addDependency("google/protobuf/timestamp.proto")
        .addDependency("google/protobuf/wrappers.proto")
        .addPublicDependency(1)
        .addMessageType(order())
        .addMessageType(money())
        .setSyntax("proto3")
        .build();
  }

  /** The built descriptor of {@link #ORDERS_PROTO}. */
  static FileDescriptor ordersFile(String name) throws DescriptorValidationException {
    return FileDescriptor.buildFrom(
        ordersProto(name),
        new FileDescriptor[] {TimestampProto.getDescriptor(), WrappersProto.getDescriptor()});
  }

  private static DescriptorProto order() {
    return DescriptorProto.newBuilder()
        .setName("Order")
        .addField(scalar("id", 1, Type.TYPE_INT64))
        .addField(enumField("status", 2, ".shop.v1.Order.Status"))
        .addField(message("lines", 3, ".shop.v1.Order.Line").setLabel(Label.LABEL_REPEATED))
        .addField(message("tags", 4, ".shop.v1.Order.TagsEntry").setLabel(Label.LABEL_REPEATED))
        .addField(scalar("note", 5, Type.TYPE_STRING).setProto3Optional(true).setOneofIndex(1))
        .addField(message("placed_at", 6, ".google.protobuf.Timestamp"))
        .addField(message("discount", 7, ".google.protobuf.Int64Value"))
        .addField(scalar("card", 8, Type.TYPE_STRING).setOneofIndex(0))
        .addField(enumField("cash_currency", 9, ".shop.v1.Money.Currency").setOneofIndex(0))
        .addField(
            message("lines_by_number", 10, ".shop.v1.Order.LinesByNumberEntry")
                .setLabel(Label.LABEL_REPEATED))
        .addField(scalar("codes", 11, Type.TYPE_INT32).setLabel(Label.LABEL_REPEATED))
        .addField(scalar("blob", 12, Type.TYPE_BYTES))
        .addField(scalar("big", 13, Type.TYPE_UINT64))
        .addField(scalar("delta", 14, Type.TYPE_SINT32))
        .addField(scalar("f64", 15, Type.TYPE_FIXED64))
        .addField(scalar("ratio", 16, Type.TYPE_DOUBLE))
        .addField(scalar("weight", 17, Type.TYPE_FLOAT))
        .addField(scalar("gift_wrapped", 18, Type.TYPE_BOOL))
        .addField(scalar("u32", 19, Type.TYPE_UINT32))
        .addField(message("gift", 20, ".shop.v1.Order.Gift"))
        .addField(scalar("sf64", 21, Type.TYPE_SFIXED64))
        .addField(scalar("f32", 22, Type.TYPE_FIXED32))
        .addNestedType(line())
        .addNestedType(mapEntry("TagsEntry", Type.TYPE_STRING, scalar("value", 2, Type.TYPE_INT32)))
        .addNestedType(
            DescriptorProto.newBuilder()
                .setName("Gift")
                .addField(scalar("message", 1, Type.TYPE_STRING)))
        .addNestedType(
            mapEntry(
                "LinesByNumberEntry", Type.TYPE_INT64, message("value", 2, ".shop.v1.Order.Line")))
        .addEnumType(
            EnumDescriptorProto.newBuilder()
                .setName("Status")
                .addValue(value("STATUS_UNSPECIFIED", 0))
                .addValue(value("PLACED", 1))
                .addValue(value("SHIPPED", 2)))
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("payment"))
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_note"))
        .build();
  }

  private static DescriptorProto line() {
    return DescriptorProto.newBuilder()
        .setName("Line")
        .addField(scalar("sku", 1, Type.TYPE_STRING))
        .addField(scalar("quantity", 2, Type.TYPE_INT32))
        .addField(message("price", 3, ".shop.v1.Money"))
        .build();
  }

  private static DescriptorProto money() {
    return DescriptorProto.newBuilder()
        .setName("Money")
        .addField(enumField("currency", 1, ".shop.v1.Money.Currency"))
        .addField(scalar("units", 2, Type.TYPE_SINT64))
        .addField(scalar("nanos", 3, Type.TYPE_SFIXED32))
        .addEnumType(
            EnumDescriptorProto.newBuilder()
                .setName("Currency")
                .addValue(value("EUR", 0))
                .addValue(value("USD", 1)))
        .build();
  }

  /** protoc's map entry: a key (1) and a value (2), optional, marked {@code map_entry}. */
  static DescriptorProto mapEntry(String name, Type keyType, FieldDescriptorProto.Builder value) {
    return DescriptorProto.newBuilder()
        .setName(name)
        .addField(scalar("key", 1, keyType))
        .addField(value)
        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
        .build();
  }

  static FieldDescriptorProto.Builder scalar(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(Label.LABEL_OPTIONAL)
        .setType(type);
  }

  static FieldDescriptorProto.Builder message(String name, int number, String typeName) {
    return scalar(name, number, Type.TYPE_MESSAGE).setTypeName(typeName);
  }

  static FieldDescriptorProto.Builder enumField(String name, int number, String typeName) {
    return scalar(name, number, Type.TYPE_ENUM).setTypeName(typeName);
  }

  static EnumValueDescriptorProto value(String name, int number) {
    return EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number).build();
  }
}
