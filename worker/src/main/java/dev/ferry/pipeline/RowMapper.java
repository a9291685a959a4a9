package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.config.ColumnSource;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Extracts a pipeline's column values from a record, as JSON values for a {@link
 * dev.ferry.coerce.RowCoercer} to turn into the columns' types: value and {@code @key/…} pointers
 * give the JSON found there (missing when absent); {@code @key} and {@code @header:N} their UTF-8
 * text; {@code @topic} a string, {@code @partition} and {@code @offset} numbers, {@code
 * @timestamp} an ISO-8601 instant (null without a timestamp). Thread-safe.
 */
public final class RowMapper {
  private static final ObjectMapper JSON = Json.MAPPER;

  private final List<ColumnSource> sources;
  private final boolean keyIsJson;

  public RowMapper(List<ColumnSource> sources) {
    this.sources = List.copyOf(sources);
    this.keyIsJson =
        sources.stream().anyMatch(s -> s instanceof ColumnSource.Key k && k.pointer().isPresent());
  }

  /**
   * The column values of one record.
   *
   * @throws RecordFailure when a source needs a JSON key and the key is not JSON
   */
  public JsonNode[] map(JsonNode value, ConsumerRecord<byte[], byte[]> record)
      throws RecordFailure {
    return map(value, record, null);
  }

  /**
   * The column values of one record whose key a registry key format decoded.
   *
   * @param decodedKey the decoded key, or null when keys are text: then {@code @key/…} reads the
   *     key bytes as a JSON object; with it, {@code @key} is the decoded key's JSON text
   * @throws RecordFailure when a source needs a JSON key and the key is not JSON
   */
  public JsonNode[] map(JsonNode value, ConsumerRecord<byte[], byte[]> record, JsonNode decodedKey)
      throws RecordFailure {
    JsonNode key = decodedKey;
    if (key == null && keyIsJson) {
      key = jsonKey(record.key());
    }
    JsonNode[] out = new JsonNode[sources.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(sources.get(i), value, record, key, decodedKey != null);
    }
    return out;
  }

  private static JsonNode value(
      ColumnSource source,
      JsonNode value,
      ConsumerRecord<byte[], byte[]> record,
      JsonNode key,
      boolean keyDecoded) {
    if (source instanceof ColumnSource.ValuePointer p) {
      return value.at(p.pointer());
    }
    if (source instanceof ColumnSource.Key k) {
      if (k.pointer().isPresent()) {
        return key.at(k.pointer().get());
      }
      return keyDecoded ? TextNode.valueOf(key.toString()) : text(record.key());
    }
    if (source instanceof ColumnSource.Field f) {
      return value.path(f.name());
    }
    if (source instanceof ColumnSource.Header h) {
      Header header = record.headers().lastHeader(h.name());
      return header == null ? NullNode.instance : text(header.value());
    }
    ColumnSource.Metadata m = (ColumnSource.Metadata) source;
    return switch (m.field()) {
      case TOPIC -> TextNode.valueOf(record.topic());
      case PARTITION -> IntNode.valueOf(record.partition());
      case OFFSET -> LongNode.valueOf(record.offset());
      case TIMESTAMP ->
          record.timestamp() < 0
              ? NullNode.instance
              : TextNode.valueOf(Instant.ofEpochMilli(record.timestamp()).toString());
    };
  }

  private static JsonNode text(byte[] bytes) {
    return bytes == null
        ? NullNode.instance
        : TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
  }

  private static JsonNode jsonKey(byte[] key) throws RecordFailure {
    if (key == null) {
      throw new RecordFailure(Reason.MISSING_KEY, "the record has no key to read from");
    }
    try {
      JsonNode node = JSON.readTree(key);
      if (node == null || !node.isObject()) {
        throw new RecordFailure(Reason.INVALID_KEY, "the key is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new RecordFailure(Reason.INVALID_KEY, "the key is not valid JSON", e);
    }
  }
}
