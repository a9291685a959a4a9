package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table a Debezium change event's Connect schema declares: one column per field of the {@code
 * after} struct, with the source's column names as they are (a change-event pipeline maps columns
 * by exact name), in the schema's order. Plain Connect types: {@code int8} and {@code int16} →
 * {@code smallint}, {@code int32} → {@code integer}, {@code int64} → {@code bigint}, {@code
 * float}/{@code float32} → {@code real}, {@code double}/{@code float64} → {@code double precision},
 * {@code boolean}, {@code string} → {@code text}, {@code bytes} → {@code bytea}, {@code struct} and
 * {@code map} → {@code jsonb}, {@code array} of a plain type → that type's array ({@code integer[]}
 * …), other arrays → {@code jsonb}. Semantic types (the schema's {@code name}) win: see {@link
 * #SEMANTIC}. A field is optional when the schema says {@code optional} or gives a {@code default}.
 * Stateless.
 */
final class ConnectTables {
  /** The SQL type of each semantic type whose values have one of their own. */
  static final Map<String, String> SEMANTIC =
      Map.ofEntries(
          Map.entry("org.apache.kafka.connect.data.Date", "date"),
          Map.entry("io.debezium.time.Date", "date"),
          Map.entry("org.apache.kafka.connect.data.Time", "time"),
          Map.entry("io.debezium.time.Time", "time"),
          Map.entry("io.debezium.time.MicroTime", "time"),
          Map.entry("io.debezium.time.NanoTime", "time"),
          // Debezium's epoch timestamps carry no zone: they come from `timestamp` columns.
          Map.entry("org.apache.kafka.connect.data.Timestamp", "timestamp"),
          Map.entry("io.debezium.time.Timestamp", "timestamp"),
          Map.entry("io.debezium.time.MicroTimestamp", "timestamp"),
          Map.entry("io.debezium.time.NanoTimestamp", "timestamp"),
          Map.entry("io.debezium.time.ZonedTimestamp", "timestamptz"),
          Map.entry("io.debezium.time.ZonedTime", "timetz"),
          Map.entry("io.debezium.time.MicroDuration", "interval"),
          Map.entry("io.debezium.time.Interval", "interval"),
          Map.entry("io.debezium.data.VariableScaleDecimal", "numeric"),
          Map.entry("io.debezium.data.Json", "jsonb"),
          Map.entry("io.debezium.data.Uuid", "uuid"),
          Map.entry("io.debezium.data.Enum", "text"),
          Map.entry("io.debezium.data.EnumSet", "text"),
          Map.entry("io.debezium.data.Xml", "text"),
          Map.entry("io.debezium.data.Ltree", "text"),
          Map.entry("io.debezium.data.Bits", "bytea"));

  private static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";

  private ConnectTables() {}

  /**
   * The columns of the {@code after} struct of {@code envelope}, a change event's Connect schema
   * (the wrapper's {@code schema}); empty when it has no {@code after} struct.
   */
  static Optional<List<DeclaredColumn>> columns(JsonNode envelope) {
    JsonNode after = field(envelope, "after");
    if (!after.path("fields").isArray()) {
      return Optional.empty();
    }
    List<DeclaredColumn> columns = new ArrayList<>();
    for (JsonNode field : after.get("fields")) {
      String name = field.path("field").asText();
      boolean optional = field.path("optional").asBoolean(false) || field.has("default");
      columns.add(new DeclaredColumn(name, sqlType(field), optional));
    }
    return Optional.of(columns);
  }

  /** The SQL type of one field's (or array element's) Connect schema. */
  static String sqlType(JsonNode schema) {
    String name = schema.path("name").asText("");
    if (name.equals(DECIMAL)) {
      JsonNode parameters = schema.path("parameters");
      JsonNode precision = parameters.path("connect.decimal.precision");
      JsonNode scale = parameters.path("scale");
      return precision.isMissingNode() || scale.isMissingNode()
          ? "numeric"
          : "numeric(" + precision.asInt() + "," + scale.asInt() + ")";
    }
    String semantic = SEMANTIC.get(name);
    if (semantic != null) {
      return semantic;
    }
    return switch (schema.path("type").asText()) {
      case "int8", "int16" -> "smallint";
      case "int32" -> "integer";
      case "int64" -> "bigint";
      case "float", "float32" -> "real";
      case "double", "float64" -> "double precision";
      case "boolean" -> "boolean";
      case "string" -> "text";
      case "bytes" -> "bytea";
      case "array" -> array(schema.path("items"));
      default -> "jsonb"; // struct, map, and geometries and other structs
    };
  }

  /**
   * An array of elements Debezium writes as the element column reads them (the plain types, uuid,
   * timestamptz) becomes that array type; other arrays become {@code jsonb}, as they arrive.
   */
  private static String array(JsonNode items) {
    String element = sqlType(items);
    boolean plain =
        items.path("name").isMissingNode()
            ? !element.equals("jsonb") && !element.equals("bytea")
            : element.equals("uuid") || element.equals("timestamptz");
    return plain ? element + "[]" : "jsonb";
  }

  /** The schema of the field {@code name} of the struct schema {@code struct}; missing if none. */
  static JsonNode field(JsonNode struct, String name) {
    for (JsonNode field : struct.path("fields")) {
      if (name.equals(field.path("field").asText())) {
        return field;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
