package dev.ferry.testkit.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One record of the example {@code events} topic, as described by {@code
 * schemas/events.schema.json}.
 *
 * <p>Immutable and thread-safe; {@code attrs} is an unmodifiable copy that keeps its order, so
 * {@link #toJson()} is stable. {@code ts} is truncated to milliseconds, the precision of the JSON.
 */
public record Event(
    UUID eventId,
    String userId,
    String type,
    BigDecimal amount,
    Instant ts,
    Map<String, Object> attrs) {

  /** The values of {@code type} the schema allows. */
  public static final List<String> TYPES =
      List.of("page_view", "click", "add_to_cart", "purchase", "signup");

  private static final DateTimeFormatter TS_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          // keep 12.30 as 12.30: BigDecimal equality depends on the scale
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private static final TypeReference<LinkedHashMap<String, Object>> ATTRS_TYPE =
      new TypeReference<>() {};

  public Event {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(amount, "amount");
    ts = Objects.requireNonNull(ts, "ts").truncatedTo(ChronoUnit.MILLIS);
    attrs =
        Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(attrs, "attrs")));
  }

  /**
   * The record value: {@code
   * {"event_id":…,"user_id":…,"type":…,"amount":12.30,"ts":"2025-01-01T00:00:01.234Z","attrs":{…}}}.
   */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write event " + eventId + " as JSON", e);
    }
  }

  /** {@code attrs} as JSON text, as a {@code jsonb} column receives it. */
  public String attrsJson() {
    return toJson(attrs);
  }

  /** The JSON object as a map, in field order, for building variants of it. */
  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("event_id", eventId.toString());
    map.put("user_id", userId);
    map.put("type", type);
    map.put("amount", amount);
    map.put("ts", TS_FORMAT.format(ts));
    map.put("attrs", attrs);
    return map;
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }

  /**
   * Reads an event written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException if the text is not a JSON object with the six fields, or a
   *     field has the wrong form
   */
  public static Event fromJson(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    try {
      return new Event(
          UUID.fromString(text(node, "event_id")),
          text(node, "user_id"),
          text(node, "type"),
          number(node, "amount"),
          Instant.parse(text(node, "ts")),
          JSON.convertValue(required(node, "attrs"), ATTRS_TYPE));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("ts is not an ISO-8601 instant", e);
    }
  }

  private static JsonNode required(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field " + field);
    }
    return value;
  }

  private static BigDecimal number(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " is not a number");
    }
    return value.decimalValue();
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = required(object, field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return value.textValue();
  }
}
