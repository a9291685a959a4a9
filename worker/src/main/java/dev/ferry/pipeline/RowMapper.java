package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.ColumnSource;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Extracts a pipeline's column values from a record. Each value becomes SQL text that Postgres
 * casts to the column's type: strings as they are, numbers in plain decimal notation, booleans as
 * true/false, objects and arrays as JSON text (for json/jsonb columns), a missing field or JSON
 * null as SQL NULL; {@code @timestamp} as an ISO-8601 instant, {@code @key} and {@code @header:N}
 * as UTF-8 text. Thread-safe.
 */
public final class RowMapper {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  public String[] map(ObjectNode value, ConsumerRecord<byte[], byte[]> record)
      throws RecordFailure {
    JsonNode key = keyIsJson ? jsonKey(record.key()) : null;
    String[] out = new String[sources.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(sources.get(i), value, record, key);
    }
    return out;
  }

  private static String value(
      ColumnSource source, ObjectNode value, ConsumerRecord<byte[], byte[]> record, JsonNode key) {
    if (source instanceof ColumnSource.ValuePointer p) {
      return text(value.at(p.pointer()));
    }
    if (source instanceof ColumnSource.Key k) {
      return k.pointer().isPresent()
          ? text(key.at(k.pointer().get()))
          : record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
    if (source instanceof ColumnSource.Header h) {
      Header header = record.headers().lastHeader(h.name());
      return header == null || header.value() == null
          ? null
          : new String(header.value(), StandardCharsets.UTF_8);
    }
    ColumnSource.Metadata m = (ColumnSource.Metadata) source;
    return switch (m.field()) {
      case TOPIC -> record.topic();
      case PARTITION -> Integer.toString(record.partition());
      case OFFSET -> Long.toString(record.offset());
      case TIMESTAMP ->
          record.timestamp() < 0 ? null : Instant.ofEpochMilli(record.timestamp()).toString();
    };
  }

  private static JsonNode jsonKey(byte[] key) throws RecordFailure {
    if (key == null) {
      throw new RecordFailure(Stage.DECODE, "missing-key", "the record has no key to read from");
    }
    try {
      JsonNode node = JSON.readTree(key);
      if (node == null || !node.isObject()) {
        throw new RecordFailure(Stage.DECODE, "invalid-key", "the key is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new RecordFailure(Stage.DECODE, "invalid-key", "the key is not valid JSON", e);
    }
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
