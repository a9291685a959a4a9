package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A parsed Protobuf message as the JSON tree pipelines map: fields by name; 32-bit integers as ints
 * (unsigned ones past {@code Integer.MAX_VALUE} as longs), 64-bit integers as longs (unsigned ones
 * past {@code Long.MAX_VALUE} as big integers), bytes as binary, enums as their value's name (the
 * number when the schema does not name it), maps as objects keyed by the key's text, repeated
 * fields as arrays, {@code google.protobuf.Timestamp} as an ISO instant, the wrappers ({@code
 * Int64Value}...) as their value. A field with presence (proto3 {@code optional}, a message, a
 * oneof member, any proto2 singular field) that is not set is JSON null; a proto3 scalar without
 * presence always has its value, the default (0, "", false, the first enum value) when not sent.
 */
final class ProtoTree {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String TIMESTAMP = "google.protobuf.Timestamp";
  private static final Set<String> WRAPPERS =
      Set.of(
          "google.protobuf.DoubleValue",
          "google.protobuf.FloatValue",
          "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value",
          "google.protobuf.Int32Value",
          "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue",
          "google.protobuf.StringValue",
          "google.protobuf.BytesValue");

  private ProtoTree() {}

  /** The tree of {@code message}, one member per field of its type. */
  static ObjectNode object(Message message) {
    ObjectNode object = NODES.objectNode();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      object.set(field.getName(), field(message, field));
    }
    return object;
  }

  private static JsonNode field(Message message, FieldDescriptor field) {
    if (field.isMapField()) {
      return map((List<?>) message.getField(field), field);
    }
    if (field.isRepeated()) {
      ArrayNode array = NODES.arrayNode();
      for (Object element : (List<?>) message.getField(field)) {
        array.add(value(field, element));
      }
      return array;
    }
    if (field.hasPresence() && !message.hasField(field)) {
      return NODES.nullNode();
    }
    return value(field, message.getField(field));
  }

  private static ObjectNode map(List<?> entries, FieldDescriptor field) {
    FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
    FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
    ObjectNode object = NODES.objectNode();
    for (Object element : entries) {
      Message entry = (Message) element;
      String key = value(keyField, entry.getField(keyField)).asText();
      object.set(key, value(valueField, entry.getField(valueField)));
    }
    return object;
  }

  private static JsonNode value(FieldDescriptor field, Object value) {
    return switch (field.getType()) {
      case INT32, SINT32, SFIXED32 -> NODES.numberNode((Integer) value);
      case UINT32, FIXED32 -> unsigned32((Integer) value);
      case INT64, SINT64, SFIXED64 -> NODES.numberNode((Long) value);
      case UINT64, FIXED64 -> unsigned64((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOL -> NODES.booleanNode((Boolean) value);
      case STRING -> NODES.textNode((String) value);
      case BYTES -> NODES.binaryNode(((ByteString) value).toByteArray());
      case ENUM -> enumValue((EnumValueDescriptor) value);
      case MESSAGE, GROUP -> message((Message) value);
    };
  }

  private static JsonNode message(Message message) {
    String type = message.getDescriptorForType().getFullName();
    if (type.equals(TIMESTAMP)) {
      return NODES.textNode(timestamp(message));
    }
    if (WRAPPERS.contains(type)) {
      FieldDescriptor inner = message.getDescriptorForType().findFieldByName("value");
      return value(inner, message.getField(inner));
    }
    return object(message);
  }

  private static String timestamp(Message message) {
    var fields = message.getDescriptorForType();
    long seconds = (Long) message.getField(fields.findFieldByName("seconds"));
    int nanos = (Integer) message.getField(fields.findFieldByName("nanos"));
    return Instant.ofEpochSecond(seconds, nanos).toString();
  }

  private static JsonNode enumValue(EnumValueDescriptor value) {
    // An open (proto3) enum keeps numbers its schema does not name; there is no name to give.
    if (value.getType().findValueByNumber(value.getNumber()) == null) {
      return NODES.numberNode(value.getNumber());
    }
    return NODES.textNode(value.getName());
  }

  private static JsonNode unsigned32(int value) {
    return value >= 0 ? NODES.numberNode(value) : NODES.numberNode(Integer.toUnsignedLong(value));
  }

  private static JsonNode unsigned64(long value) {
    return value >= 0
        ? NODES.numberNode(value)
        : NODES.numberNode(new BigInteger(Long.toUnsignedString(value)));
  }
}
