package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A value its column's type refuses is tried again against the table's newer definition, if there
 * is one, before the record fails.
 */
class PipelineTest {
  private static final ColumnType INTEGER = ColumnType.of("integer", "integer", "int4", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);

  private final RowCoercer asInteger = coercer(INTEGER);
  private final RowCoercer asText = coercer(TEXT);
  private final List<RowCoercer> asked = new ArrayList<>();
  private Optional<RowCoercer> newer = Optional.empty();

  private final RowCoercions coercions =
      new RowCoercions() {
        @Override
        public boolean has(String target) {
          return target.equals("p:t");
        }

        @Override
        public RowCoercer current(String target) {
          return asInteger;
        }

        @Override
        public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
          asked.add(failed);
          return newer;
        }
      };

  private final Pipeline pipeline = new Pipeline(settings(), coercions, Optional.empty());

  private static RowCoercer coercer(ColumnType type) {
    return new RowCoercer(
        List.of(new RowCoercer.Column("qty", type, Coercers.of(type).orElseThrow())), List.of());
  }

  private static PipelineSettings settings() {
    try {
      return ConfigLoader.withEnvironment(Map.of())
          .parse(
              """
              kafka: {bootstrap-servers: "k:9092"}
              database: {url: "jdbc:postgresql://h/d"}
              pipelines:
                - {name: p, topics: [t], table: t, columns: {qty: /qty}}
              """,
              "test")
          .pipelines()
          .get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Row> rows(String json) throws Exception {
    ObjectNode value = (ObjectNode) Json.MAPPER.readTree(json);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("t", 0, 7, "k".getBytes(UTF_8), json.getBytes(UTF_8));
    return pipeline.rows(value, record, new Origin(new TopicPartition("t", 0), 1, 7));
  }

  @Test
  void aValueTheOldTypeRefusesIsCoercedWithTheNewerType() throws Exception {
    newer = Optional.of(asText);

    List<Row> rows = rows("{\"qty\":\"twelve\"}");

    assertThat(rows)
        .singleElement()
        .satisfies(r -> assertThat(r.values()).containsExactly("twelve"));
    assertThat(asked).containsExactly(asInteger);
  }

  @Test
  void withoutANewerTypeTheRefusalStands() {
    RecordFailure f = catchThrowableOfType(RecordFailure.class, () -> rows("{\"qty\":\"twelve\"}"));

    assertThat(f.reason().code()).isEqualTo("coercion-failed");
    assertThat(f.getMessage()).startsWith("column \"qty\" (integer): ");
    assertThat(asked).hasSize(1);
  }

  @Test
  void aValueThatFitsAsksForNothing() throws Exception {
    assertThat(rows("{\"qty\":12}").get(0).values()).containsExactly("12");
    assertThat(asked).isEmpty();
  }
}
