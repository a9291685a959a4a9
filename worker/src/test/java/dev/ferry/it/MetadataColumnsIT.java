package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Columns filled from the record key, its coordinates, its timestamp and a header. */
@Timeout(120)
class MetadataColumnsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-metadata";

  @BeforeAll
  static void table() {
    PG.execute(
        "CREATE TABLE sourced (order_id bigint, src_topic text, src_partition integer,"
            + " src_offset bigint, produced_at timestamptz, trace text, amount numeric)");
  }

  @Test
  void keyMetadataAndHeadersLandInTheirColumns() throws Exception {
    String topic = KAFKA.uniqueTopic("sourced");
    KAFKA.createTopic(topic, 1);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 10; i++) {
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(
                topic,
                null,
                1_767_225_600_000L + i,
                ("{\"order_id\":" + (100 + i) + "}").getBytes(UTF_8),
                ("{\"amount\":" + i + ".5}").getBytes(UTF_8));
        r.headers().add("traceparent", ("trace-" + i).getBytes(UTF_8));
        producer.send(r);
      }
    }
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("order_id", "@key/order_id");
    columns.put("src_topic", "@topic");
    columns.put("src_partition", "@partition");
    columns.put("src_offset", "@offset");
    columns.put("produced_at", "@timestamp");
    columns.put("trace", "@header:traceparent");
    columns.put("amount", "/amount");

    RunningWorker.runUntilCaughtUp(
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(GROUP)
            .table("sourced")
            .columns(columns)
            .load(),
        KAFKA.bootstrapServers(),
        GROUP,
        topic,
        Duration.ofSeconds(60));

    List<Map<String, Object>> rows =
        PG.queryRows(
            "SELECT order_id, src_topic, src_partition, src_offset,"
                + " extract(epoch FROM produced_at) * 1000 AS ms, trace, amount"
                + " FROM sourced ORDER BY src_offset");
    assertThat(rows).hasSize(10);
    for (int i = 0; i < 10; i++) {
      Map<String, Object> row = rows.get(i);
      assertThat(((Number) row.get("order_id")).longValue()).isEqualTo(100 + i);
      assertThat(row.get("src_topic")).isEqualTo(topic);
      assertThat(((Number) row.get("src_partition")).intValue()).isZero();
      assertThat(((Number) row.get("src_offset")).longValue()).isEqualTo(i);
      assertThat(((Number) row.get("ms")).longValue()).isEqualTo(1_767_225_600_000L + i);
      assertThat(row.get("trace")).isEqualTo("trace-" + i);
      assertThat(row.get("amount").toString()).isEqualTo(i + ".5");
    }
  }
}
