package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.Origin;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.Row;
import dev.ferry.spi.InputRecord;
import dev.ferry.spi.RecordTransform;
import dev.ferry.spi.TransformedRow;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A transform's rows may delete by key from any table of its pipeline, as well as write. */
class TransformDeletesTest {
  private static final ColumnType BIGINT = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);

  /** Writes the order, and deletes the order line the value names from order_lines. */
  private static final RecordTransform ORDERS =
      new RecordTransform() {
        @Override
        public String name() {
          return "orders";
        }

        @Override
        public List<TransformedRow> apply(InputRecord record) {
          ObjectNode line = Json.MAPPER.createObjectNode();
          line.set("order_id", record.value().get("id"));
          line.set("line_no", record.value().get("removed_line"));
          return List.of(
              TransformedRow.write("orders", record.value()),
              TransformedRow.delete("order_lines", line));
        }
      };

  private final PipelineSettings settings =
      settings(
          """
              - name: p
                topics: [t]
                table: orders
                mode: upsert
                key-columns: [id]
                columns: {id: /id, note: /note}
                transform: orders
                targets:
                  - {table: order_lines, mode: upsert, key-columns: [order_id, line_no], columns: {order_id: /order_id, line_no: /line_no, sku: /sku}}
                  - {table: audit, columns: {note: /note}}
          """);

  private final Pipeline pipeline = new Pipeline(settings, coercers(), Optional.of(ORDERS));

  /** The column types of the pipeline's three tables. */
  private Map<String, RowCoercer> coercers() {
    return Map.of(
        PostgresSink.targetKey("p", settings.table()),
        coercer(List.of("id", "note"), List.of("id")),
        PostgresSink.targetKey("p", settings.targets().get(0).table()),
        coercer(List.of("order_id", "line_no", "sku"), List.of("order_id", "line_no")),
        PostgresSink.targetKey("p", settings.targets().get(1).table()),
        coercer(List.of("note"), List.of()));
  }

  private static RowCoercer coercer(List<String> columns, List<String> keys) {
    List<RowCoercer.Column> all =
        columns.stream()
            .map(
                c -> {
                  ColumnType type = c.equals("note") || c.equals("sku") ? TEXT : BIGINT;
                  return new RowCoercer.Column(c, type, Coercers.of(type).orElseThrow());
                })
            .toList();
    return new RowCoercer(all, all.stream().filter(c -> keys.contains(c.name())).toList());
  }

  private static PipelineSettings settings(String pipelines) {
    try {
      return ConfigLoader.withEnvironment(Map.of())
          .parse(
              """
              kafka: {bootstrap-servers: "k:9092"}
              database: {url: "jdbc:postgresql://h/d"}
              pipelines:
              """
                  + pipelines,
              "test")
          .pipelines()
          .get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Row> rows(Pipeline pipeline, String json) throws Exception {
    ObjectNode value = (ObjectNode) Json.MAPPER.readTree(json);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("t", 0, 7, "k".getBytes(UTF_8), json.getBytes(UTF_8));
    return pipeline.rows(value, record, new Origin(new TopicPartition("t", 0), 1, 7));
  }

  @Test
  void aDeleteRowDeletesByTheTargetsKeyColumnsReadThroughItsColumnSources() throws Exception {
    List<Row> rows = rows(pipeline, "{\"id\": 41, \"note\": \"n\", \"removed_line\": 3}");

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).kind()).isEqualTo(Row.Kind.WRITE);
    assertThat(rows.get(0).values()).containsExactly("41", "n");
    assertThat(rows.get(1).kind()).isEqualTo(Row.Kind.DELETE);
    assertThat(rows.get(1).target()).isEqualTo("p:order_lines");
    assertThat(rows.get(1).values()).containsExactly("41", "3");
  }

  @Test
  void aDeleteWithoutAKeyValueOrFromATableWithoutKeyColumnsIsTheRecordsFailure() {
    RecordFailure noLine =
        catchThrowableOfType(RecordFailure.class, () -> rows(pipeline, "{\"id\": 41}"));
    assertThat(noLine.reason().code()).isEqualTo("transform-failed");
    assertThat(noLine.getMessage())
        .isEqualTo(
            "transform orders deleted from table order_lines without a value for key column"
                + " line_no");

    RecordTransform deletesAudit =
        new RecordTransform() {
          @Override
          public String name() {
            return "audit";
          }

          @Override
          public List<TransformedRow> apply(InputRecord record) {
            return List.of(TransformedRow.delete("audit", record.value()));
          }
        };
    Pipeline auditing = new Pipeline(settings, coercers(), Optional.of(deletesAudit));
    RecordFailure noKeys =
        catchThrowableOfType(RecordFailure.class, () -> rows(auditing, "{\"note\": \"x\"}"));
    assertThat(noKeys.getMessage())
        .isEqualTo(
            "transform audit deleted from table audit, which has no key-columns to delete by");
  }
}
