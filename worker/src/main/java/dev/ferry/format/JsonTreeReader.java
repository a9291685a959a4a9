package dev.ferry.format;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON object from bytes with one streaming parser of {@link JsonFormat#MAPPER}'s factory
 * and builds the tree itself: node for node what {@code MAPPER.readTree} gives (integers as
 * int/long/big-integer nodes by size, every other number an exact {@link DecimalNode} with its
 * trailing zeros, the last of duplicate keys wins), without the per-record deserialization context
 * of the mapper. The parser's limits (nesting depth, number length) are the mapper's.
 *
 * <p>Given the top-level fields a pipeline maps, it builds only those: the others are skipped token
 * by token (so a syntax error or invalid UTF-8 anywhere is still found), and the objects and arrays
 * it keeps remember their text ({@link RawJson}). Thread-safe.
 */
final class JsonTreeReader {
  private final ObjectMapper mapper;
  private final JsonNodeFactory nodes;
  private final Set<String> fields;

  private JsonTreeReader(ObjectMapper mapper, Set<String> fields) {
    this.mapper = mapper;
    this.nodes = mapper.getNodeFactory();
    this.fields = fields;
  }

  /** A reader of every field, with no {@link RawJson} nodes. */
  static JsonTreeReader whole(ObjectMapper mapper) {
    return new JsonTreeReader(mapper, null);
  }

  /** A reader of these top-level fields only. */
  static JsonTreeReader only(ObjectMapper mapper, Set<String> fields) {
    return new JsonTreeReader(mapper, Set.copyOf(fields));
  }

  /**
   * The object {@code value} holds.
   *
   * @return null when the value is empty or not an object: the caller reads it again the usual way,
   *     for the precise reason
   * @throws IOException as the parser reports bad JSON or UTF-8, or a token after the object
   */
  ObjectNode read(byte[] value) throws IOException {
    try (JsonParser p = mapper.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      ObjectNode root = fields == null ? new ObjectNode(nodes, fields(p)) : selected(p, value);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new JsonParseException(
            p, "Trailing token (of type " + trailing + ") found after value: not allowed");
      }
      return root;
    }
  }

  private ObjectNode selected(JsonParser p, byte[] value) throws IOException {
    Map<String, JsonNode> kept = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken token = p.nextToken();
      if (!fields.contains(name)) {
        p.skipChildren();
      } else if (token == JsonToken.START_OBJECT) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        Map<String, JsonNode> children = fields(p);
        kept.put(name, new RawObjectNode(nodes, children, value, start, end(p)));
      } else if (token == JsonToken.START_ARRAY) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        List<JsonNode> elements = elements(p);
        kept.put(name, new RawArrayNode(nodes, elements, value, start, end(p)));
      } else {
        kept.put(name, value(p, token));
      }
    }
    return new ObjectNode(nodes, kept);
  }

  /** Just past the closing bracket the parser stands on. */
  private static int end(JsonParser p) {
    return (int) p.currentTokenLocation().getByteOffset() + 1;
  }

  /** The fields of the object whose start the parser stands on, up to its end. */
  private Map<String, JsonNode> fields(JsonParser p) throws IOException {
    Map<String, JsonNode> children = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      children.put(name, value(p, p.nextToken())); // a later duplicate replaces in place
    }
    return children;
  }

  private List<JsonNode> elements(JsonParser p) throws IOException {
    List<JsonNode> elements = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      elements.add(value(p, t));
    }
    return elements;
  }

  private JsonNode value(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> new ObjectNode(nodes, fields(p));
      case START_ARRAY -> new ArrayNode(nodes, elements(p));
      case VALUE_STRING -> TextNode.valueOf(p.getText());
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> IntNode.valueOf(p.getIntValue());
            case LONG -> LongNode.valueOf(p.getLongValue());
            default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> DecimalNode.valueOf(p.getDecimalValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.instance;
      default -> throw new JsonParseException(p, "Unexpected token " + token + " in a JSON value");
    };
  }
}
