package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The key column values of a record key, for deletes by key. A key that is a JSON object (or that a
 * registry key format decoded) gives one value per key column by field name; any other key fills a
 * single key column with its UTF-8 text. The values are coerced into the key columns' types like
 * any other column value. Thread-safe.
 */
final class KeyValues {
  private static final ObjectMapper JSON = Json.MAPPER;

  private KeyValues() {}

  /**
   * @param decodedKey the key a registry key format decoded, or null when keys are text
   */
  static JsonNode[] extract(byte[] key, JsonNode decodedKey, List<String> keyColumns)
      throws RecordFailure {
    if (key == null) {
      throw new RecordFailure(Reason.MISSING_KEY, "the record has no key to delete by");
    }
    if (decodedKey != null) {
      return fields(decodedKey, keyColumns);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(key))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RecordFailure(Reason.INVALID_UTF8, "the record key is not valid UTF-8", e);
    }
    if (!text.trim().startsWith("{")) {
      if (keyColumns.size() != 1) {
        throw new RecordFailure(
            Reason.INVALID_KEY,
            "the key must be a JSON object with fields " + keyColumns + " to delete by");
      }
      return new JsonNode[] {TextNode.valueOf(text)};
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      throw new RecordFailure(Reason.INVALID_KEY, "the key is not valid JSON", e);
    }
    return fields(node, keyColumns);
  }

  private static JsonNode[] fields(JsonNode node, List<String> keyColumns) throws RecordFailure {
    JsonNode[] values = new JsonNode[keyColumns.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode field = node.get(keyColumns.get(i));
      if (field == null || field.isNull()) {
        throw new RecordFailure(
            Reason.INVALID_KEY, "the key has no field '" + keyColumns.get(i) + "' to delete by");
      }
      values[i] = field;
    }
    return values;
  }
}
