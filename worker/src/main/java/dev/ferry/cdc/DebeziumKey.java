package dev.ferry.cdc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.Map;

/**
 * The record key of a Debezium change event: the key struct's fields (the source table's primary
 * key, or its message key columns), and their Connect types when the key had a schema.
 *
 * <p>A null or empty key (a truncate has one; so has a table without a primary key) reads as an
 * empty key, not as a failure: whether the event needs one is the pipeline's decision (its key
 * columns may come from the row). A key that is not JSON, not an object, or a wrapper whose payload
 * is not an object is refused with {@link Reason#INVALID_KEY}.
 *
 * @param fields the key struct's fields, in order
 * @param types their Connect types; empty when schemas are off
 */
public record DebeziumKey(ObjectNode fields, Map<String, FieldType> types) {
  /** A key with no fields. */
  public static final DebeziumKey EMPTY =
      new DebeziumKey(JsonNodeFactory.instance.objectNode(), Map.of());

  public DebeziumKey {
    types = Map.copyOf(types);
  }

  /** Reads {@code key}, the record key's bytes, in either form. Stateless and thread-safe. */
  public static DebeziumKey read(byte[] key) throws RecordFailure {
    if (key == null || key.length == 0) {
      return EMPTY;
    }
    JsonNode json;
    try {
      json = ExactJson.MAPPER.readTree(key);
    } catch (JacksonException e) {
      throw new RecordFailure(
          Reason.INVALID_KEY,
          "the record key is not JSON (a Debezium key is a JSON struct): " + e.getOriginalMessage(),
          e);
    } catch (java.io.IOException e) {
      throw new RecordFailure(Reason.INVALID_KEY, "the record key cannot be read", e);
    }
    return of(json);
  }

  /**
   * The key from its JSON: a key struct, with or without the Connect wrapper, or null (no key).
   * Also for a key a registry format decoded.
   */
  public static DebeziumKey of(JsonNode json) throws RecordFailure {
    if (json == null || json.isNull() || json.isMissingNode()) {
      return EMPTY;
    }
    if (!json.isObject()) {
      throw new RecordFailure(
          Reason.INVALID_KEY,
          "the record key is "
              + DebeziumEnvelope.describe(json)
              + ", not the JSON object of a Debezium key struct");
    }
    ObjectNode object = (ObjectNode) json;
    if (!ConnectSchema.isWrapper(object)) {
      return new DebeziumKey(object, Map.of());
    }
    JsonNode payload = object.get("payload");
    if (payload.isNull()) {
      return EMPTY;
    }
    if (!payload.isObject()) {
      throw new RecordFailure(
          Reason.INVALID_KEY,
          "the record key's Connect payload is "
              + DebeziumEnvelope.describe(payload)
              + ", not a key struct");
    }
    return new DebeziumKey(
        (ObjectNode) payload,
        ConnectSchema.fields(object.get("schema"), "the record key", Reason.INVALID_KEY));
  }
}
