package dev.ferry.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.Set;

/**
 * The {@code json} format: a record value that is a JSON object. Numbers keep their exact decimal
 * value (no detour through {@code double}), so {@code numeric} columns receive what the producer
 * wrote. The tree is {@link JsonTreeReader}'s, node for node what {@link #MAPPER}{@code .readTree}
 * gives; a value that is not an object is read again with the mapper, to name what it is. Stateless
 * and thread-safe.
 */
public final class JsonFormat implements ValueFormat {
  /**
   * The one JSON reader for record values and keys: numbers with a fraction or exponent are read as
   * exact decimals, digits as written (never through {@code double}, never stripped of trailing
   * zeros); trailing tokens after the value are an error. Thread-safe.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private final ObjectMapper mapper = MAPPER;
  private final JsonTreeReader reader;

  /** The format that reads the whole value. */
  public JsonFormat() {
    this(JsonTreeReader.whole(MAPPER));
  }

  private JsonFormat(JsonTreeReader reader) {
    this.reader = reader;
  }

  /**
   * The format that builds only these top-level fields of a value (the others are read over, still
   * checked for syntax and UTF-8); their objects and arrays keep their text ({@link RawJson}). For
   * a pipeline whose columns are all the nodes it needs: no transform, schema or envelope sees the
   * value.
   */
  public JsonFormat onlyFields(Set<String> fields) {
    return new JsonFormat(JsonTreeReader.only(MAPPER, fields));
  }

  @Override
  public ObjectNode decode(byte[] value) throws RecordFailure {
    ObjectNode object;
    try {
      object = reader.read(value);
    } catch (IOException e) {
      throw failure(e);
    }
    // Not an object, or empty: read again as any JSON, to name what it is (a rare, failing path).
    return object != null ? object : notAnObject(value);
  }

  private ObjectNode notAnObject(byte[] value) throws RecordFailure {
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (IOException e) {
      throw failure(e);
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

  private static RecordFailure failure(IOException e) {
    if (e instanceof JsonProcessingException j) {
      String detail = String.valueOf(j.getOriginalMessage());
      if (detail.contains("Invalid UTF-8")) {
        return new RecordFailure(Reason.INVALID_UTF8, "value is not valid UTF-8: " + detail, e);
      }
      return new RecordFailure(Reason.INVALID_JSON, "value is not valid JSON: " + detail, e);
    }
    if (e instanceof CharConversionException) {
      return new RecordFailure(
          Reason.INVALID_UTF8, "value is not valid UTF-8: " + e.getMessage(), e);
    }
    return new RecordFailure(Reason.INVALID_JSON, "value cannot be read: " + e, e);
  }
}
