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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tombstones with the delete policy: an upsert pipeline keyed by the record key deletes the row of
 * every key whose latest record is a tombstone, in record order (an insert, a delete and an insert
 * again of one key leave the row).
 */
@Timeout(120)
class TombstoneDeleteIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-tombstones";

  @BeforeAll
  static void table() {
    PG.execute("CREATE TABLE accounts (id text PRIMARY KEY, balance numeric NOT NULL)");
  }

  @Test
  void tombstonesDeleteByKeyInRecordOrder() throws Exception {
    String topic = KAFKA.uniqueTopic("accounts");
    KAFKA.createTopic(topic, 3);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 100; i++) {
        send(producer, topic, "acct-" + i, "{\"id\":\"acct-" + i + "\",\"balance\":" + i + "}");
      }
      for (int i = 1; i < 100; i += 2) { // update the odd ones: one key twice in a batch
        send(
            producer,
            topic,
            "acct-" + i,
            "{\"id\":\"acct-" + i + "\",\"balance\":" + (1000 + i) + "}");
      }
      for (int i = 0; i < 100; i += 2) {
        send(producer, topic, "acct-" + i, null); // delete the even accounts
      }
      send(producer, topic, "acct-0", "{\"id\":\"acct-0\",\"balance\":42}"); // and reopen one
      producer.flush();
    }
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("id", "/id");
    columns.put("balance", "/balance");

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .table("accounts")
                .columns(columns)
                .upsert("id")
                .tombstones("delete")
                .load(),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(60));

    assertThat(PG.queryLong("SELECT count(*) FROM accounts")).isEqualTo(51);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM accounts WHERE right(id, 1) IN ('0','2','4')"
                    + " AND id <> 'acct-0'"))
        .isZero();
    assertThat(PG.queryLong("SELECT balance::bigint FROM accounts WHERE id = 'acct-0'"))
        .isEqualTo(42);
    assertThat(PG.queryLong("SELECT count(*) FROM accounts WHERE balance >= 1000")).isEqualTo(50);
    assertThat(worker.counters().deadLettered()).isZero();
    assertThat(worker.counters().retries()).isZero();
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
    producer.send(
        new ProducerRecord<>(
            topic, key.getBytes(UTF_8), value == null ? null : value.getBytes(UTF_8)));
  }
}
