package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Connect JSON converter's wrapper ({@code {"schema": {...}, "payload": {...}}}, schemas on)
 * and the field types of its struct schemas. Stateless.
 */
final class ConnectSchema {
  private ConnectSchema() {}

  /**
   * Whether {@code value} is the wrapper: exactly the fields {@code schema} (an object or null) and
   * {@code payload}. A bare struct with exactly those two fields of those shapes would be taken for
   * one; Debezium's envelope never is (it has {@code op}), a key of a table whose primary key is
   * exactly the columns {@code schema} and {@code payload} would be.
   */
  static boolean isWrapper(ObjectNode value) {
    return value.size() == 2
        && value.has("payload")
        && (value.path("schema").isObject() || value.path("schema").isNull());
  }

  /**
   * The types of the fields of the struct schema {@code struct}, by field name; empty for a null
   * schema.
   *
   * @param what what the schema describes, for the message
   * @param reason the reason of a schema Ferry cannot read
   */
  static Map<String, FieldType> fields(JsonNode struct, String what, Reason reason)
      throws RecordFailure {
    if (struct == null || struct.isNull() || struct.isMissingNode()) {
      return Map.of();
    }
    JsonNode fields = struct.path("fields");
    if (!struct.isObject() || !fields.isArray()) {
      throw unreadable(what, "it is not a struct schema with a \"fields\" array", reason);
    }
    Map<String, FieldType> types = new LinkedHashMap<>();
    for (JsonNode field : fields) {
      if (!field.path("field").isTextual()) {
        throw unreadable(what, "a field has no \"field\" name", reason);
      }
      types.put(field.get("field").textValue(), type(field, what, reason));
    }
    return types;
  }

  /** The schema of the field {@code name} of {@code struct}; missing when it has none. */
  static JsonNode field(JsonNode struct, String name) {
    for (JsonNode field : struct.path("fields")) {
      if (name.equals(field.path("field").textValue())) {
        return field;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static FieldType type(JsonNode field, String what, Reason reason) throws RecordFailure {
    String name = field.get("field").textValue();
    if (!field.path("type").isTextual()) {
      throw unreadable(what, "the field \"" + name + "\" has no \"type\"", reason);
    }
    JsonNode semantic = field.path("name");
    if (!semantic.isMissingNode() && !semantic.isNull() && !semantic.isTextual()) {
      throw unreadable(what, "the field \"" + name + "\" has a \"name\" that is not text", reason);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    JsonNode given = field.path("parameters");
    if (given.isObject()) {
      for (Map.Entry<String, JsonNode> p : given.properties()) {
        parameters.put(p.getKey(), p.getValue().asText());
      }
    } else if (!given.isMissingNode() && !given.isNull()) {
      throw unreadable(
          what, "the field \"" + name + "\" has parameters that are no object", reason);
    }
    return new FieldType(
        field.get("type").textValue(),
        Optional.ofNullable(semantic.textValue()),
        parameters,
        field.path("optional").asBoolean(false));
  }

  private static RecordFailure unreadable(String what, String why, Reason reason) {
    return new RecordFailure(reason, "the Connect schema of " + what + " cannot be read: " + why);
  }
}
