package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.format.Formats;
import dev.ferry.format.JsonFormat;
import dev.ferry.format.ValueFormat;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * With a registry key format, key columns ({@code @key/…}, {@code @key}) and deletes by key read
 * the decoded key object; a pipeline that reads no key never decodes one.
 */
class RegistryKeyFormatTest {
  private static final ColumnType BIGINT = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);
  private static final Origin ORIGIN = new Origin(new TopicPartition("t", 0), 1, 7);

  /** "Decodes" any key into {"id": 42}, counting the calls. */
  private static final class FixedKey implements ValueFormat {
    int calls;

    @Override
    public ObjectNode decode(byte[] bytes) {
      calls++;
      return JsonNodeFactory.instance.objectNode().put("id", 42L);
    }
  }

  private final FixedKey keys = new FixedKey();

  private static RowCoercer.Column column(String name, ColumnType type) {
    return new RowCoercer.Column(name, type, Coercers.of(type).orElseThrow());
  }

  private static PipelineSettings settings(String pipeline) {
    try {
      return ConfigLoader.withEnvironment(Map.of())
          .parse(
              "kafka: {bootstrap-servers: \"k:9092\"}\n"
                  + "database: {url: \"jdbc:postgresql://h/d\"}\n"
                  + "pipelines:\n  - "
                  + pipeline
                  + "\n",
              "test")
          .pipelines()
          .get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Pipeline pipeline(String settings, List<RowCoercer.Column> columns, int keyColumns) {
    RowCoercer coercer = new RowCoercer(columns, columns.subList(0, keyColumns));
    return new Pipeline(
        settings(settings),
        RowCoercions.fixed(Map.of("p:t", coercer)),
        Optional.empty(),
        new Formats(new JsonFormat(), Optional.of(keys)));
  }

  private static ConsumerRecord<byte[], byte[]> record(String value) {
    return new ConsumerRecord<>(
        "t", 0, 7, new byte[] {0, 0, 0, 0, 5, 2}, value == null ? null : value.getBytes(UTF_8));
  }

  @Test
  void keyColumnsAndDeletesReadTheDecodedKey() throws Exception {
    Pipeline pipeline =
        pipeline(
            "{name: p, topics: [t], table: t, mode: upsert, key-columns: [id], tombstones: delete,"
                + " columns: {id: \"@key/id\", whole: \"@key\", qty: /qty}}",
            List.of(column("id", BIGINT), column("whole", TEXT), column("qty", BIGINT)),
            1);
    ConsumerRecord<byte[], byte[]> record = record("{\"qty\":3}");

    JsonNode key = pipeline.decodeKey(record);
    List<Row> rows = pipeline.rows(pipeline.decode(record.value()), key, record, ORIGIN);
    Row delete = pipeline.delete(record(null), pipeline.decodeKey(record(null)), ORIGIN);

    assertThat(rows)
        .singleElement()
        .satisfies(r -> assertThat(r.values()).containsExactly("42", "{\"id\":42}", "3"));
    assertThat(delete.kind()).isEqualTo(Row.Kind.DELETE);
    assertThat(delete.values()).containsExactly("42");
    assertThat(keys.calls).isEqualTo(2);
  }

  @Test
  void aPipelineThatReadsNoKeyNeverDecodesOne() throws Exception {
    Pipeline pipeline =
        pipeline(
            "{name: p, topics: [t], table: t, columns: {qty: /qty}}",
            List.of(column("qty", BIGINT)),
            0);

    assertThat(pipeline.decodeKey(record("{\"qty\":3}"))).isNull();
    assertThat(keys.calls).isZero();
  }
}
