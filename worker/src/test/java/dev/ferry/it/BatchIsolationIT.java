package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One bad record never sinks a batch: a single batch of 500 records, one of which breaks a CHECK
 * constraint, commits 499 rows in one transaction and dead-letters the one.
 */
@Timeout(120)
class BatchIsolationIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-isolation";
  private static final int BAD_INDEX = 250;

  @BeforeAll
  static void table() {
    PG.execute(
        "CREATE TABLE isolated (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
            + " amount numeric(12,2) CHECK (amount >= 0), ts timestamptz NOT NULL, attrs jsonb,"
            + " tx bigint DEFAULT txid_current())");
  }

  @Test
  void aBatchOf500WithOneBadRecordAppliesTheOther499() throws Exception {
    String topic = KAFKA.uniqueTopic("isolation");
    KAFKA.createTopic(topic, 1);
    produce(topic);

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .table("isolated")
                .worker("threads", 1)
                .worker("batch-size", 500)
                .worker("batch-linger", "2s")
                .load(),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(60));

    assertThat(PG.queryLong("SELECT count(*) FROM isolated")).isEqualTo(499);
    assertThat(PG.queryLong("SELECT count(DISTINCT tx) FROM isolated"))
        .as("transactions the rows were written in")
        .isEqualTo(1);
    assertThat(worker.counters().transactions()).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).hasSize(1);
    assertThat(DeadLetters.header(dead.get(0), DeadLetterHeaders.ORIGINAL_OFFSET))
        .isEqualTo(String.valueOf(BAD_INDEX));
    assertThat(DeadLetters.header(dead.get(0), DeadLetterHeaders.REASON))
        .isEqualTo("check-violation");
    assertThat(DeadLetters.header(dead.get(0), DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
  }

  private static void produce(String topic) {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 500; i++) {
        String json =
            ("{\"event_id\":\"%s\",\"user_id\":\"u%d\",\"type\":\"click\",\"amount\":%s,"
                    + "\"ts\":\"2026-01-01T00:00:00Z\",\"attrs\":{}}")
                .formatted(UUID.randomUUID(), i % 37, i == BAD_INDEX ? "-3" : "3");
        producer.send(
            new ProducerRecord<>(topic, ("u" + i % 37).getBytes(UTF_8), json.getBytes(UTF_8)));
      }
      producer.flush();
    }
  }
}
