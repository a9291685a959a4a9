package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.Map;

/**
 * Reads one Debezium change event from a record value already parsed as JSON, in either form: the
 * Connect wrapper {@code {"schema": {...}, "payload": {...}}} (schemas on; the row images' field
 * types are read from the schema) or the bare payload (schemas off). A tombstone (a null value) is
 * not an event: the caller skips it before. Stateless and thread-safe.
 *
 * <p>Refused with {@link Reason#UNKNOWN_OP}: an {@code op} that is not {@code r}, {@code c}, {@code
 * u}, {@code d} or {@code t}. Refused with {@link Reason#INVALID_ENVELOPE}: no {@code op} (or not a
 * string); {@code r}, {@code c} or {@code u} without an {@code after} object; a {@code before},
 * {@code after} or {@code source} that is neither an object nor null; a wrapper whose {@code
 * payload} is not an object; a schema whose shape cannot be read. A {@code d} without {@code
 * before} is fine: its key comes from the record key.
 */
public final class DebeziumEnvelope {
  private DebeziumEnvelope() {}

  public static ChangeEvent read(ObjectNode value) throws RecordFailure {
    ObjectNode payload = value;
    JsonNode schema = null;
    if (ConnectSchema.isWrapper(value)) {
      JsonNode inner = value.get("payload");
      if (!inner.isObject()) {
        throw invalid(
            "the Connect wrapper's payload is " + describe(inner) + ", not a change event object");
      }
      payload = (ObjectNode) inner;
      schema = value.get("schema");
    }
    Op op = op(payload);
    ObjectNode before = image(payload, "before");
    ObjectNode after = image(payload, "after");
    if ((op == Op.READ || op == Op.CREATE || op == Op.UPDATE) && after == null) {
      throw invalid("an event with op \"" + op.code() + "\" has no \"after\" row");
    }
    JsonNode source = payload.path("source");
    if (!source.isObject() && !source.isMissingNode() && !source.isNull()) {
      throw invalid("the \"source\" field is " + describe(source) + ", not an object");
    }
    ObjectNode sourceBlock =
        source.isObject() ? (ObjectNode) source : JsonNodeFactory.instance.objectNode();
    Map<String, FieldType> afterTypes = Map.of();
    Map<String, FieldType> beforeTypes = Map.of();
    if (schema != null && !schema.isNull()) {
      afterTypes = imageTypes(schema, "after");
      beforeTypes = imageTypes(schema, "before");
    }
    Position position = position(payload, sourceBlock);
    return new ChangeEvent(
        op,
        before,
        after,
        sourceBlock,
        payload,
        position.value(),
        position.kind(),
        afterTypes,
        beforeTypes);
  }

  private record Position(long value, PositionKind kind) {}

  private static Op op(ObjectNode payload) throws RecordFailure {
    JsonNode op = payload.path("op");
    if (!op.isTextual()) {
      throw invalid(
          op.isMissingNode()
              ? "the value has no \"op\" field: it is not a Debezium change event (or"
                  + " the pipeline reads the wrong topic)"
              : "the \"op\" field is " + describe(op) + ", not a string");
    }
    return Op.of(op.textValue())
        .orElseThrow(
            () ->
                new RecordFailure(
                    Reason.UNKNOWN_OP,
                    "op \""
                        + op.textValue()
                        + "\" is not one Ferry knows (r, c, u, d, t): is the connector newer"
                        + " than Ferry?"));
  }

  private static ObjectNode image(ObjectNode payload, String name) throws RecordFailure {
    JsonNode image = payload.path(name);
    if (image.isObject()) {
      return (ObjectNode) image;
    }
    if (image.isMissingNode() || image.isNull()) {
      return null;
    }
    throw invalid("the \"" + name + "\" row is " + describe(image) + ", not an object");
  }

  private static Map<String, FieldType> imageTypes(JsonNode schema, String image)
      throws RecordFailure {
    if (!schema.isObject()) {
      throw invalid("the Connect wrapper's schema is " + describe(schema) + ", not an object");
    }
    JsonNode field = ConnectSchema.field(schema, image);
    if (field.isMissingNode()) {
      return Map.of();
    }
    return ConnectSchema.fields(field, "\"" + image + "\"", Reason.INVALID_ENVELOPE);
  }

  /** source.lsn when a whole number, else source.ts_ms, else ts_ms, else none. */
  private static Position position(ObjectNode payload, ObjectNode source) {
    if (isWhole(source.path("lsn"))) {
      return new Position(source.get("lsn").longValue(), PositionKind.LSN);
    }
    if (isWhole(source.path("ts_ms"))) {
      return new Position(source.get("ts_ms").longValue(), PositionKind.SOURCE_TS_MS);
    }
    if (isWhole(payload.path("ts_ms"))) {
      return new Position(payload.get("ts_ms").longValue(), PositionKind.TS_MS);
    }
    return new Position(ChangeEvent.NO_POSITION, PositionKind.NONE);
  }

  private static boolean isWhole(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong();
  }

  /** How a message names the JSON type of {@code n}. */
  static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case OBJECT -> "an object";
      case NULL -> "null";
      case MISSING -> "missing";
      default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static RecordFailure invalid(String message) {
    return new RecordFailure(Reason.INVALID_ENVELOPE, message);
  }
}
