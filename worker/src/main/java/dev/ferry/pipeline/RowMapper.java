package dev.ferry.pipeline;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Extracts a pipeline's column values from a decoded value by JSON Pointer. Each value becomes SQL
 * text that Postgres casts to the column's type: strings as they are, numbers in plain decimal
 * notation, booleans as true/false, objects and arrays as JSON text (for json/jsonb columns), and a
 * missing or null field as SQL NULL. Thread-safe.
 */
public final class RowMapper {
  private final List<JsonPointer> pointers;

  public RowMapper(List<JsonPointer> pointers) {
    this.pointers = List.copyOf(pointers);
  }

  public String[] map(ObjectNode value) {
    String[] out = new String[pointers.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = text(value.at(pointers.get(i)));
    }
    return out;
  }

  private static String text(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBigDecimal()) {
      return node.decimalValue().toPlainString();
    }
    if (node.isValueNode()) {
      return node.asText();
    }
    return node.toString();
  }
}
