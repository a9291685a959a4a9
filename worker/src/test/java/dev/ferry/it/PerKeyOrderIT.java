package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * More parallelism than partitions, with per-key order: a one-partition topic, eight worker
 * threads, 60 keys of 100 records each carrying a per-key sequence number. Postgres numbers the
 * rows in the order they are inserted; every key's sequence must come out in order, and
 * transactions from different connections must have overlapped in time.
 */
@Timeout(180)
class PerKeyOrderIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int KEYS = 60;
  private static final int PER_KEY = 100;
  private static final String GROUP = "ferry-order";

  @BeforeAll
  static void table() {
    PG.execute(
        "CREATE TABLE ordered (applied_order bigserial, event_id uuid NOT NULL, user_id text NOT"
            + " NULL, seq integer NOT NULL, backend integer DEFAULT pg_backend_pid(),"
            + " tx bigint DEFAULT txid_current(), tx_started timestamptz DEFAULT now(),"
            + " written_at timestamptz DEFAULT clock_timestamp())");
  }

  @Test
  void everyKeyIsAppliedInOrderWhileKeysRunInParallelOnOnePartition() throws Exception {
    String topic = KAFKA.uniqueTopic("ordered");
    KAFKA.createTopic(topic, 1);
    produce(topic);
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("event_id", "/event_id");
    columns.put("user_id", "/user_id");
    columns.put("seq", "/seq");

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .table("ordered")
                .columns(columns)
                .worker("threads", 8)
                .worker("batch-size", 10)
                .worker("batch-linger", "0ms")
                .load(),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(120));

    assertThat(PG.queryLong("SELECT count(*) FROM ordered")).isEqualTo(KEYS * PER_KEY);
    assertThat(PG.queryLong("SELECT count(DISTINCT event_id) FROM ordered"))
        .isEqualTo(KEYS * PER_KEY);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (PARTITION BY user_id ORDER BY"
                    + " applied_order) AS previous FROM ordered) s WHERE seq <> previous + 1"))
        .as("rows applied out of their key's order")
        .isZero();
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM (SELECT user_id, min(seq) AS first FROM ordered GROUP BY"
                    + " user_id) f WHERE first <> 0"))
        .isZero();
    assertThat(PG.queryLong("SELECT count(DISTINCT backend) FROM ordered"))
        .as("connections that wrote rows")
        .isGreaterThan(1);
    assertThat(
            PG.queryLong(
                "WITH t AS (SELECT tx, min(backend) AS backend, min(tx_started) AS began,"
                    + " max(written_at) AS ended FROM ordered GROUP BY tx)"
                    + " SELECT count(*) FROM t a JOIN t b ON a.tx < b.tx AND a.backend <>"
                    + " b.backend AND a.began < b.ended AND b.began < a.ended"))
        .as("pairs of transactions of different workers that overlapped in time")
        .isPositive();
  }

  private static void produce(String topic) {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int seq = 0; seq < PER_KEY; seq++) {
        for (int k = 0; k < KEYS; k++) {
          String key = "user-" + k;
          String json =
              "{\"event_id\":\"%s\",\"user_id\":\"%s\",\"seq\":%d}"
                  .formatted(UUID.randomUUID(), key, seq);
          producer.send(new ProducerRecord<>(topic, key.getBytes(UTF_8), json.getBytes(UTF_8)));
        }
      }
      producer.flush();
    }
  }
}
