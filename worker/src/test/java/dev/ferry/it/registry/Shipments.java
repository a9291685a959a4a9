package dev.ferry.it.registry;

import static com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label.LABEL_OPTIONAL;
import static com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label.LABEL_REPEATED;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A proto3 schema of shipments, as the text registered and as the descriptor protobuf-java encodes
 * with (built field by field to describe the same message), the messages and the rows they must
 * become. The first message has every field at its default or unset; the others reach the edges:
 * the largest uint32 and uint64, negative sint64 and int32, bytes 0x00 and 0xff, an instant before
 * 1970 with a microsecond, a map value beyond a double's precision.
 */
final class Shipments {
  /** The text registered: the same message as {@link #DESCRIPTOR}. */
  static final String PROTO =
      """
      syntax = "proto3";
      package ferry.it;

      import "google/protobuf/timestamp.proto";

      message Shipment {
        int64 id = 1;
        string carrier = 2;
        double weight = 3;
        bool fragile = 4;
        uint32 parcels = 5;
        sint64 delta = 6;
        bytes label = 7;
        Address to = 8;
        Status status = 9;
        repeated string tags = 10;
        map<string, int64> counts = 11;
        google.protobuf.Timestamp shipped = 12;
        int32 priority = 13;
        uint64 serial = 14;
        float ratio = 15;
        optional string memo = 16;

        message Address {
          string city = 1;
          string zip = 2;
        }

        enum Status {
          UNKNOWN = 0;
          PACKED = 1;
          SENT = 2;
        }
      }
      """;

  /** The enum's values, in number order. */
  private static final String[] STATUS = {"UNKNOWN", "PACKED", "SENT"};

  static final String TABLE =
      "(id bigint PRIMARY KEY, carrier text, weight double precision, fragile boolean,"
          + " parcels bigint, delta bigint, label bytea, city text, dest jsonb, status text,"
          + " tags jsonb, counts jsonb, shipped timestamptz, priority integer,"
          + " serial numeric(20,0), ratio real, memo text)";

  static final Map<String, String> COLUMNS = columns();

  static final Descriptor DESCRIPTOR = descriptor();

  private Shipments() {}

  private static Map<String, String> columns() {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String field :
        new String[] {
          "id",
          "carrier",
          "weight",
          "fragile",
          "parcels",
          "delta",
          "label",
          "status",
          "tags",
          "counts",
          "shipped",
          "priority",
          "serial",
          "ratio",
          "memo"
        }) {
      columns.put(field, "/" + field);
    }
    columns.put("city", "/to/city");
    columns.put("dest", "/to");
    return columns;
  }

  private static Descriptor descriptor() {
    DescriptorProto address =
        DescriptorProto.newBuilder()
            .setName("Address")
            .addField(field("city", 1, Type.TYPE_STRING))
            .addField(field("zip", 2, Type.TYPE_STRING))
            .build();
    DescriptorProto countsEntry =
        DescriptorProto.newBuilder()
            .setName("CountsEntry")
            .setOptions(MessageOptions.newBuilder().setMapEntry(true))
            .addField(field("key", 1, Type.TYPE_STRING))
            .addField(field("value", 2, Type.TYPE_INT64))
            .build();
    EnumDescriptorProto status = EnumDescriptorProto.newBuilder().setName("Status").build();
    for (int n = 0; n < STATUS.length; n++) {
      status =
          status.toBuilder()
              .addValue(EnumValueDescriptorProto.newBuilder().setName(STATUS[n]).setNumber(n))
              .build();
    }
    DescriptorProto shipment =
        DescriptorProto.newBuilder()
            .setName("Shipment")
            .addField(field("id", 1, Type.TYPE_INT64))
            .addField(field("carrier", 2, Type.TYPE_STRING))
            .addField(field("weight", 3, Type.TYPE_DOUBLE))
            .addField(field("fragile", 4, Type.TYPE_BOOL))
            .addField(field("parcels", 5, Type.TYPE_UINT32))
            .addField(field("delta", 6, Type.TYPE_SINT64))
            .addField(field("label", 7, Type.TYPE_BYTES))
            .addField(typed("to", 8, Type.TYPE_MESSAGE, ".ferry.it.Shipment.Address"))
            .addField(typed("status", 9, Type.TYPE_ENUM, ".ferry.it.Shipment.Status"))
            .addField(field("tags", 10, Type.TYPE_STRING).toBuilder().setLabel(LABEL_REPEATED))
            .addField(
                typed("counts", 11, Type.TYPE_MESSAGE, ".ferry.it.Shipment.CountsEntry").toBuilder()
                    .setLabel(LABEL_REPEATED))
            .addField(typed("shipped", 12, Type.TYPE_MESSAGE, ".google.protobuf.Timestamp"))
            .addField(field("priority", 13, Type.TYPE_INT32))
            .addField(field("serial", 14, Type.TYPE_UINT64))
            .addField(field("ratio", 15, Type.TYPE_FLOAT))
            .addField(
                field("memo", 16, Type.TYPE_STRING).toBuilder()
                    .setProto3Optional(true)
                    .setOneofIndex(0))
            .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_memo"))
            .addNestedType(address)
            .addNestedType(countsEntry)
            .addEnumType(status)
            .build();
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("ferry/it/shipment.proto")
            .setSyntax("proto3")
            .setPackage("ferry.it")
            .addDependency("google/protobuf/timestamp.proto")
            .addMessageType(shipment)
            .build();
    try {
      return FileDescriptor.buildFrom(
              file, new FileDescriptor[] {Timestamp.getDescriptor().getFile()})
          .findMessageTypeByName("Shipment");
    } catch (DescriptorValidationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FieldDescriptorProto field(String name, int number, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(LABEL_OPTIONAL)
        .setType(type)
        .build();
  }

  private static FieldDescriptorProto typed(String name, int number, Type type, String typeName) {
    return field(name, number, type).toBuilder().setTypeName(typeName).build();
  }

  /** Shipment {@code i} (its id is {@code i + 1}); the first has only its id set. */
  static Message message(int i) {
    DynamicMessage.Builder shipment =
        DynamicMessage.newBuilder(DESCRIPTOR).setField(f("id"), (long) i + 1);
    if (i == 0) {
      return shipment.build();
    }
    Descriptor address = f("to").getMessageType();
    Descriptor entry = f("counts").getMessageType();
    shipment
        .setField(f("carrier"), carrier(i))
        .setField(f("weight"), weight(i))
        .setField(f("fragile"), i % 2 == 1)
        .setField(f("parcels"), (int) parcels(i))
        .setField(f("delta"), delta(i))
        .setField(f("label"), ByteString.copyFrom(label(i)))
        .setField(
            f("to"),
            DynamicMessage.newBuilder(address)
                .setField(address.findFieldByName("city"), city(i))
                .setField(address.findFieldByName("zip"), zip(i))
                .build())
        .setField(f("status"), DESCRIPTOR.findEnumTypeByName("Status").getValues().get(i % 3))
        .addRepeatedField(f("tags"), "a" + i)
        .addRepeatedField(f("tags"), "b")
        .addRepeatedField(f("counts"), entry(entry, "x", i))
        .addRepeatedField(f("counts"), entry(entry, "big", big(i)))
        .setField(f("shipped"), timestamp(shipped(i)))
        .setField(f("priority"), -1000 * i)
        .setField(f("serial"), serial(i))
        .setField(f("ratio"), 0.75f * i);
    if (i % 2 == 1) {
      shipment.setField(f("memo"), "memo " + i);
    }
    return shipment.build();
  }

  /** The row shipment {@code i} must become: defaults as such, unset messages as NULL. */
  static Map<String, Object> row(int i) {
    Map<String, Object> row = new LinkedHashMap<>();
    boolean first = i == 0;
    row.put("id", (long) i + 1);
    row.put("carrier", first ? "" : carrier(i));
    row.put("weight", first ? 0.0 : weight(i));
    row.put("fragile", i % 2 == 1);
    row.put("parcels", first ? 0L : parcels(i));
    row.put("delta", first ? 0L : delta(i));
    row.put("label", first ? new byte[0] : label(i));
    row.put("city", first ? null : city(i));
    row.put(
        "dest",
        first
            ? null
            : ExactRows.json("{\"city\": \"" + city(i) + "\", \"zip\": \"" + zip(i) + "\"}"));
    row.put("status", STATUS[i % 3]);
    row.put("tags", ExactRows.json(first ? "[]" : "[\"a" + i + "\", \"b\"]"));
    row.put("counts", ExactRows.json(first ? "{}" : "{\"x\": " + i + ", \"big\": " + big(i) + "}"));
    row.put("shipped", first ? null : OffsetDateTime.ofInstant(shipped(i), ZoneOffset.UTC));
    row.put("priority", -1000 * i);
    row.put("serial", first ? BigDecimal.ZERO : new BigDecimal(Long.toUnsignedString(serial(i))));
    row.put("ratio", 0.75f * i);
    row.put("memo", i % 2 == 1 ? "memo " + i : null);
    return row;
  }

  private static com.google.protobuf.Descriptors.FieldDescriptor f(String name) {
    return DESCRIPTOR.findFieldByName(name);
  }

  private static Message entry(Descriptor entry, String key, long value) {
    return DynamicMessage.newBuilder(entry)
        .setField(entry.findFieldByName("key"), key)
        .setField(entry.findFieldByName("value"), value)
        .build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static String carrier(int i) {
    return "carrier " + i + " ü";
  }

  /** Binary fractions, exact in a double. */
  private static double weight(int i) {
    return 1000.5 + i * 0.25;
  }

  /** The largest uint32 for the second, which Java holds as -1. */
  private static long parcels(int i) {
    return i == 1 ? 4_294_967_295L : i;
  }

  private static long delta(int i) {
    return (i % 2 == 0 ? -1 : 1) * i * 1_000_000_000_000L;
  }

  private static byte[] label(int i) {
    return new byte[] {0, (byte) i, (byte) 0xff};
  }

  private static String city(int i) {
    return "City " + i;
  }

  /** A leading zero, which only a string keeps. */
  private static String zip(int i) {
    return "0100" + i;
  }

  private static long big(int i) {
    return 9_007_199_254_740_993L + i;
  }

  /** To the microsecond; the second a microsecond after an instant before 1970. */
  private static Instant shipped(int i) {
    if (i == 2) {
      return Instant.parse("1969-07-20T20:17:40.000001Z");
    }
    return Instant.parse("2024-05-01T12:00:00.123456Z").plusSeconds(i * 3_600L);
  }

  /** The largest uint64 for the second (Java's -1), large ones otherwise. */
  private static long serial(int i) {
    return i == 1 ? -1L : i * 1_000_000_000_000_000L;
  }

  static byte[] key(int i) {
    return ("s" + i).getBytes(UTF_8);
  }
}
