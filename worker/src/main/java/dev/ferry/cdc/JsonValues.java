package dev.ferry.cdc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;

/**
 * Debezium's {@code io.debezium.data.Json}: the column's JSON as text. For {@code jsonb} the parsed
 * document (numbers exact); for {@code json}, which keeps its text as written, the text exactly
 * (checked to be JSON, then written raw: the same spaces, key order and number spellings as the
 * source); for a text column the text. Stateless.
 */
final class JsonValues {
  static final String JSON = "io.debezium.data.Json";

  private JsonValues() {}

  static JsonNode json(JsonNode raw, String semantic, ColumnType column) throws CoercionException {
    if (!raw.isTextual()) {
      throw new CoercionException(
          "a " + semantic + " value must be JSON text, got " + Targets.show(raw));
    }
    if (Targets.isText(column)) {
      return raw;
    }
    if (!Targets.is(column, "json") && !Targets.is(column, "jsonb")) {
      throw Targets.refuse(semantic, raw, column);
    }
    JsonNode parsed;
    try {
      parsed = ExactJson.MAPPER.readTree(raw.textValue());
    } catch (JacksonException e) {
      throw new CoercionException(
          "a " + semantic + " value is not valid JSON: " + e.getOriginalMessage());
    }
    if (parsed == null || parsed.isMissingNode()) {
      throw new CoercionException("a " + semantic + " value is empty, which is not JSON");
    }
    return Targets.is(column, "json") ? new POJONode(new RawValue(raw.textValue())) : parsed;
  }
}
