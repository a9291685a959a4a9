package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How {@code ferry dlt list} and dry runs print a dead letter: a table line, or a JSON object with
 * every header and the whole value. Whatever comes from the record is escaped for the terminal
 * ({@link Printable}). Thread-safe.
 */
public final class DeadLetterText {
  private DeadLetterText() {}

  /** One table line: where in the DLT, when, why, from where, the key and a value preview. */
  public static String line(ConsumerRecord<byte[], byte[]> r, DeadLetterInfo info) {
    return line(r, info, Optional.empty());
  }

  /**
   * One table line, the value shown decoded (with its schema id) when {@code decoded} is present.
   */
  static String line(
      ConsumerRecord<byte[], byte[]> r,
      DeadLetterInfo info,
      Optional<RegistryValues.Decoded> decoded) {
    // Headers, key and value come from records: nothing of them reaches the terminal unescaped.
    return Printable.escape(
        String.format(
            "%s-%d@%d  %s  %-30s %-24s key=%s  %s",
            r.topic(),
            r.partition(),
            r.offset(),
            info.failedAt(),
            info.reason() + (info.replayCount() > 0 ? " (replay " + info.replayCount() + ")" : ""),
            info.origin() + firstIfOther(info),
            r.key() == null ? "null" : preview(r.key(), 40),
            r.value() == null
                ? "(tombstone)"
                : decoded.map(DeadLetterText::preview).orElseGet(() -> preview(r.value(), 80))));
  }

  /** A decoded value's preview: its schema id, then its JSON, or why it could not be decoded. */
  private static String preview(RegistryValues.Decoded decoded) {
    String shown =
        decoded
            .json()
            .map(Object::toString)
            .orElseGet(() -> "(not decoded: " + decoded.why().orElse("") + ")");
    return preview(("schema-id=" + decoded.schemaId() + " " + shown).getBytes(UTF_8), 100);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new Printable.JsonEscapes());
  }

  public static String json(ConsumerRecord<byte[], byte[]> r, DeadLetterInfo info)
      throws JsonProcessingException {
    return json(r, info, Optional.empty());
  }

  /**
   * The JSON object, with {@code schema_id} and {@code value_decoded} (or {@code not_decoded}, the
   * reason) when {@code decoded} is present; the raw value is there either way.
   */
  static String json(
      ConsumerRecord<byte[], byte[]> r,
      DeadLetterInfo info,
      Optional<RegistryValues.Decoded> decoded)
      throws JsonProcessingException {
    ObjectNode o = JSON.createObjectNode();
    o.put("dlt", r.topic());
    o.put("partition", r.partition());
    o.put("offset", r.offset());
    o.put("key", r.key() == null ? null : text(r.key()).orElse(null));
    o.put("origin", info.origin());
    info.firstOrigin().ifPresent(first -> o.put("first_origin", first.toString()));
    o.put("format", info.format());
    o.put("reason", info.reason());
    o.put("stage", info.stage());
    o.put("pipeline", info.pipeline());
    o.put("failed_at", info.failedAt().toString());
    o.put("replay_count", info.replayCount());
    info.exceptionClass().ifPresent(c -> o.put("exception_class", c));
    info.message().ifPresent(m -> o.put("message", m));
    ObjectNode headers = o.putObject("headers");
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value() == null ? null : text(h.value()).orElse(base64(h.value())));
    }
    if (r.value() == null) {
      o.putNull("value");
    } else {
      Optional<String> value = text(r.value());
      if (value.isPresent()) {
        o.put("value", value.get());
      } else {
        o.put("value_base64", base64(r.value()));
      }
    }
    decoded.ifPresent(
        d -> {
          o.put("schema_id", d.schemaId());
          d.json().ifPresent(value -> o.set("value_decoded", value));
          d.why().ifPresent(why -> o.put("not_decoded", why));
        });
    return JSON.writeValueAsString(o);
  }

  private static String preview(byte[] bytes, int max) {
    String s = text(bytes).orElse("(binary, " + bytes.length + " bytes)").replaceAll("\\s+", " ");
    s = Printable.escape(s);
    return s.length() > max ? s.substring(0, max - 3) + "..." : s;
  }

  private static Optional<String> text(byte[] bytes) {
    try {
      return Optional.of(
          UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String base64(byte[] bytes) {
    return "base64:" + Base64.getEncoder().encodeToString(bytes);
  }

  /** The first origin, when the dead letter is of a replayed copy that failed again. */
  private static String firstIfOther(DeadLetterInfo info) {
    return info.firstOrigin()
        .map(Object::toString)
        .filter(first -> !first.equals(info.origin()))
        .map(first -> " (first " + first + ")")
        .orElse("");
  }
}
