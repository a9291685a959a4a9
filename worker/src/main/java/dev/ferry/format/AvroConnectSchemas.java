package dev.ferry.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The Connect schema, as the JSON converter writes it ({@code {"type": "struct", "fields":
 * [...]}}), of an Avro schema that Confluent's or Apicurio's Avro converter wrote from a Connect
 * schema: the semantic name from the {@code connect.name} property, the parameters from {@code
 * connect.parameters}, {@code int8}/{@code int16} from {@code connect.type}, a union with null as
 * an optional field. An Avro logical type without a {@code connect.name} gets the Connect or
 * Debezium name that reads its raw value the same way ({@code decimal} as Connect's {@code Decimal}
 * with its scale, {@code timestamp-micros} as Debezium's {@code MicroTimestamp} …), so that the
 * change-event path types every field. Stateless.
 */
final class AvroConnectSchemas {
  static final String CONNECT_NAME = "connect.name";
  private static final String CONNECT_PARAMETERS = "connect.parameters";
  private static final String CONNECT_TYPE = "connect.type";
  private static final String CONNECT_VERSION = "connect.version";

  private AvroConnectSchemas() {}

  /**
   * Whether {@code schema} is a Debezium change event's envelope as a registry converter writes it:
   * a record named {@code ….Envelope} by Connect, with {@code op}, {@code before} and {@code
   * after}.
   */
  static boolean isEnvelope(Schema schema) {
    if (schema.getType() != Schema.Type.RECORD) {
      return false;
    }
    String name = schema.getProp(CONNECT_NAME);
    return name != null
        && name.endsWith(".Envelope")
        && schema.getField("op") != null
        && schema.getField("before") != null
        && schema.getField("after") != null;
  }

  /** The Connect schema of {@code schema}. */
  static ObjectNode of(Schema schema) {
    return type(schema, false);
  }

  private static ObjectNode type(Schema schema, boolean optional) {
    if (schema.getType() == Schema.Type.UNION) {
      return union(schema, optional);
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", connectType(schema));
    String name = semanticName(schema);
    if (name != null) {
      node.put("name", name);
    }
    Object version = schema.getObjectProp(CONNECT_VERSION);
    if (version instanceof Integer v) {
      node.put("version", v);
    }
    ObjectNode parameters = parameters(schema);
    if (!parameters.isEmpty()) {
      node.set("parameters", parameters);
    }
    node.put("optional", optional || schema.getType() == Schema.Type.NULL);
    switch (schema.getType()) {
      case RECORD -> node.set("fields", fields(schema.getFields()));
      case ARRAY -> node.set("items", type(schema.getElementType(), false));
      case MAP -> {
        node.set("keys", JsonNodeFactory.instance.objectNode().put("type", "string"));
        node.set("values", type(schema.getValueType(), false));
      }
      default -> {}
    }
    return node;
  }

  /**
   * A union with null is its other branch, optional. Any other union is read as the value of the
   * branch written, which no single Connect type describes: a struct named as Confluent's converter
   * names unions, whose values the change-event path passes on untouched.
   */
  private static ObjectNode union(Schema schema, boolean optional) {
    List<Schema> branches = schema.getTypes();
    boolean hasNull = branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
    List<Schema> others = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
    if (others.size() == 1) {
      return type(others.get(0), optional || hasNull);
    }
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "struct");
    node.put("name", "io.confluent.connect.avro.Union");
    node.put("optional", optional || hasNull);
    return node;
  }

  private static ArrayNode fields(List<Schema.Field> fields) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Schema.Field field : fields) {
      ObjectNode node = type(field.schema(), false);
      node.put("field", field.name());
      array.add(node);
    }
    return array;
  }

  private static String connectType(Schema schema) {
    return switch (schema.getType()) {
      case INT -> {
        String narrow = schema.getProp(CONNECT_TYPE);
        yield "int8".equals(narrow) || "int16".equals(narrow) ? narrow : "int32";
      }
      case LONG -> "int64";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case BOOLEAN -> "boolean";
      case BYTES, FIXED -> "bytes";
      case RECORD -> "struct";
      case ARRAY -> "array";
      case MAP -> "map";
      case STRING, ENUM, NULL, UNION -> "string";
    };
  }

  private static String semanticName(Schema schema) {
    String name = schema.getProp(CONNECT_NAME);
    if (name != null) {
      return name;
    }
    LogicalType logical = schema.getLogicalType();
    if (logical == null) {
      return null;
    }
    return switch (logical.getName()) {
      case "decimal" -> "org.apache.kafka.connect.data.Decimal";
      case "date" -> "org.apache.kafka.connect.data.Date";
      case "time-millis" -> "org.apache.kafka.connect.data.Time";
      case "time-micros" -> "io.debezium.time.MicroTime";
      case "timestamp-millis" -> "org.apache.kafka.connect.data.Timestamp";
      case "timestamp-micros", "local-timestamp-micros" -> "io.debezium.time.MicroTimestamp";
      case "timestamp-nanos", "local-timestamp-nanos" -> "io.debezium.time.NanoTimestamp";
      case "local-timestamp-millis" -> "io.debezium.time.Timestamp";
      case "uuid" -> schema.getType() == Schema.Type.STRING ? "io.debezium.data.Uuid" : null;
      default -> null;
    };
  }

  /** {@code connect.parameters} as strings; a decimal's scale when they lack it. */
  private static ObjectNode parameters(Schema schema) {
    ObjectNode parameters = JsonNodeFactory.instance.objectNode();
    if (schema.getObjectProp(CONNECT_PARAMETERS) instanceof Map<?, ?> given) {
      given.forEach((k, v) -> parameters.put(String.valueOf(k), String.valueOf(v)));
    }
    if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal
        && !parameters.has("scale")) {
      parameters.put("scale", Integer.toString(decimal.getScale()));
    }
    return parameters;
  }
}
