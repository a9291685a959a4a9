package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table a JSON Schema declares: one column per property of the root object, named by {@link
 * ColumnNames#snakeCase}, in the schema's order. Types: {@code integer} → {@code bigint}, {@code
 * number} → {@code numeric} (values are read exactly, and {@code numeric} keeps them so), {@code
 * string} → {@code text}, or by {@code format}: {@code date-time} → {@code timestamptz}, {@code
 * date} → {@code date}, {@code time} → {@code time}, {@code uuid} → {@code uuid}, and {@code
 * contentEncoding: base64} → {@code bytea}; {@code boolean} → {@code boolean}; {@code object},
 * {@code array}, several types, or no type → {@code jsonb}. A property is optional when the root's
 * {@code required} does not list it or its type admits {@code null}. Local {@code $ref}s ({@code
 * #/$defs/…}) are followed; {@code anyOf}/{@code oneOf} of one type and {@code null} reads as that
 * type, optional. Stateless.
 */
final class JsonSchemaTables {
  private static final int MAX_REFS = 16;

  private JsonSchemaTables() {}

  /**
   * The declared table of {@code schema}.
   *
   * @param keyColumns the pipeline's {@code key-columns}, the created table's primary key
   * @throws IllegalArgumentException when the root is not an object schema with {@code properties}
   */
  static DeclaredTable of(JsonNode schema, List<String> keyColumns) {
    JsonNode root = resolve(schema, schema);
    JsonNode properties = root.path("properties");
    if (!properties.isObject()) {
      throw new IllegalArgumentException(
          "the JSON Schema declares no \"properties\" of an object: no table can follow it");
    }
    Set<String> required = new HashSet<>();
    root.path("required").forEach(r -> required.add(r.asText()));
    List<DeclaredColumn> columns = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : properties.properties()) {
      Type type = type(schema, p.getValue());
      columns.add(
          new DeclaredColumn(
              ColumnNames.snakeCase(p.getKey()),
              type.sql(),
              type.nullable() || !required.contains(p.getKey())));
    }
    return new DeclaredTable(columns, keyColumns);
  }

  /** A property's SQL type, and whether its schema admits null. */
  record Type(String sql, boolean nullable) {}

  static Type type(JsonNode document, JsonNode property) {
    JsonNode p = resolve(document, property);
    JsonNode type = p.path("type");
    if (type.isTextual()) {
      return new Type(single(type.textValue(), p), type.textValue().equals("null"));
    }
    if (type.isArray()) {
      List<String> types = new ArrayList<>();
      type.forEach(t -> types.add(t.asText()));
      boolean nullable = types.remove("null");
      return new Type(several(types, p), nullable);
    }
    for (String combinator : List.of("anyOf", "oneOf")) {
      if (p.path(combinator).isArray()) {
        return branches(document, p.get(combinator));
      }
    }
    if (p.path("enum").isArray() || p.has("const")) {
      boolean strings = true;
      boolean nullable = false;
      for (JsonNode v : p.has("const") ? List.of(p.get("const")) : p.get("enum")) {
        nullable |= v.isNull();
        strings &= v.isTextual() || v.isNull();
      }
      return new Type(strings ? "text" : "jsonb", nullable);
    }
    return new Type("jsonb", true); // any JSON value, null included
  }

  private static Type branches(JsonNode document, JsonNode branches) {
    boolean nullable = false;
    Set<String> sql = new HashSet<>();
    for (JsonNode branch : branches) {
      Type t = type(document, branch);
      if (resolve(document, branch).path("type").asText().equals("null")) {
        nullable = true;
      } else {
        nullable |= t.nullable();
        sql.add(t.sql());
      }
    }
    return new Type(sql.size() == 1 ? sql.iterator().next() : "jsonb", nullable);
  }

  private static String several(List<String> types, JsonNode p) {
    if (types.size() == 1) {
      return single(types.get(0), p);
    }
    if (types.size() == 2 && types.containsAll(List.of("integer", "number"))) {
      return "numeric";
    }
    return "jsonb";
  }

  private static String single(String type, JsonNode p) {
    return switch (type) {
      case "integer" -> "bigint";
      case "number" -> "numeric";
      case "boolean" -> "boolean";
      case "string" -> string(p);
      default -> "jsonb"; // object, array, null
    };
  }

  private static String string(JsonNode p) {
    if ("base64".equals(p.path("contentEncoding").asText())) {
      return "bytea";
    }
    return switch (p.path("format").asText()) {
      case "date-time" -> "timestamptz";
      case "date" -> "date";
      case "time" -> "time";
      case "uuid" -> "uuid";
      default -> "text";
    };
  }

  /** {@code node}, or what its local {@code $ref} points to in {@code document}. */
  private static JsonNode resolve(JsonNode document, JsonNode node) {
    JsonNode current = node;
    for (int i = 0; i < MAX_REFS && current.path("$ref").isTextual(); i++) {
      String ref = current.get("$ref").textValue();
      if (!ref.startsWith("#")) {
        throw new IllegalArgumentException(
            "the JSON Schema refers to " + ref + ": only local references (#/…) are followed");
      }
      JsonNode target = document.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new IllegalArgumentException(
            "the JSON Schema's reference " + ref + " points nowhere");
      }
      current = target;
    }
    return current;
  }
}
