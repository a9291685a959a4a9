package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.io.IOException;
import java.util.Base64;

/**
 * Connect {@code bytes} (base64 in JSON), plain or as Debezium's {@code Bits}, into a Jackson
 * {@link BinaryNode} for a {@code bytea} column. Stateless.
 */
final class BinaryValues {
  private BinaryValues() {}

  /** The bytes of base64 {@code raw} (or of a binary node) for {@code bytea}. */
  static JsonNode bytea(JsonNode raw, String semantic, ColumnType column) throws CoercionException {
    if (!Targets.is(column, "bytea")) {
      throw Targets.refuse(semantic, raw, column);
    }
    return new BinaryNode(bytes(raw, semantic));
  }

  /** The bytes of base64 text (the JSON converter's {@code bytes}) or of a binary node. */
  static byte[] bytes(JsonNode raw, String semantic) throws CoercionException {
    try {
      if (raw.isBinary()) {
        return raw.binaryValue();
      }
      if (raw.isTextual()) {
        return Base64.getDecoder().decode(raw.textValue());
      }
    } catch (IllegalArgumentException | IOException e) {
      throw new CoercionException(
          "a "
              + semantic
              + " value must be base64 (binary.handling.mode=bytes or base64), got "
              + Targets.show(raw));
    }
    throw new CoercionException(
        "a " + semantic + " value must be base64 text, got " + Targets.show(raw));
  }
}
