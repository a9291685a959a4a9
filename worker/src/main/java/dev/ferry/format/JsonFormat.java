package dev.ferry.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.IOException;

/**
 * Turns a record value into a JSON object. Numbers keep their exact decimal value (no detour
 * through {@code double}), so {@code numeric} columns receive what the producer wrote. Stateless
 * and thread-safe.
 */
public final class RecordDecoder {
  private final ObjectMapper mapper = Json.MAPPER;

  public ObjectNode decode(byte[] value) throws RecordFailure {
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (JsonProcessingException e) {
      String detail = String.valueOf(e.getOriginalMessage());
      if (detail.contains("Invalid UTF-8")) {
        throw new RecordFailure(Reason.INVALID_UTF8, "value is not valid UTF-8: " + detail, e);
      }
      throw new RecordFailure(Reason.INVALID_JSON, "value is not valid JSON: " + detail, e);
    } catch (java.io.CharConversionException e) {
      throw new RecordFailure(
          Reason.INVALID_UTF8, "value is not valid UTF-8: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new RecordFailure(Reason.INVALID_JSON, "value cannot be read: " + e, e);
    }
    if (node == null || node.isMissingNode()) {
      throw new RecordFailure(Reason.INVALID_JSON, "value is empty");
    }
    if (!node.isObject()) {
      throw new RecordFailure(
          Reason.NOT_AN_OBJECT,
          "value must be a JSON object, was "
              + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return (ObjectNode) node;
  }
}
