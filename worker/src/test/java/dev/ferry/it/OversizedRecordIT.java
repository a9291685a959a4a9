package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A record larger than the whole memory budget goes through alone instead of stalling: with {@code
 * worker.memory-budget: 1MiB} a 1.5 MB record (on a topic whose limit was raised) between smaller
 * ones of the same key and of other keys lands, and so do all the others, once each.
 */
@Timeout(180)
class OversizedRecordIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int HUGE_BYTES = 1_500_000;

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aRecordLargerThanTheBudgetLandsAloneAndTheOthersFollow() throws Exception {
    String topic = KAFKA.uniqueTopic("oversized");
    KAFKA.createTopic(topic, 3, Map.of("max.message.bytes", Integer.toString(4 * HUGE_BYTES)));
    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .worker("memory-budget", "1MiB")
                .load());
    Progress progress = new Progress(PG, "events");
    try (worker) {
      assertThat(worker.lanes().byteLimit()).isLessThan(4L * HUGE_BYTES);
      int sent = produce(topic);
      progress.awaitRows(sent, Duration.ofSeconds(90), "every record", () -> false);
      assertThat(worker.lanes().peakBytesInMemory())
          .as("the huge record was held, alone")
          .isGreaterThan(worker.lanes().byteLimit());
    }
    assertThat(progress.distinctEvents()).isEqualTo(progress.rows());
    assertThat(PG.queryLong("SELECT max(length(attrs->>'blob')) FROM events"))
        .isEqualTo(HUGE_BYTES);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).isEmpty();
  }

  /** 60 records of 20 KB over three keys, with one of 1.5 MB in the middle; returns the count. */
  private static int produce(String topic) {
    int count = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        KAFKA.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * HUGE_BYTES))) {
      for (int i = 0; i < 61; i++) {
        String user = "user-" + (i % 3);
        int size = i == 30 ? HUGE_BYTES : 20_000;
        String value =
            "{\"event_id\":\""
                + UUID.nameUUIDFromBytes(("oversized-" + i).getBytes(UTF_8))
                + "\",\"user_id\":\""
                + user
                + "\",\"type\":\"upload\",\"amount\":1,\"ts\":\"2026-01-01T00:00:00Z\""
                + ",\"attrs\":{\"blob\":\""
                + "y".repeat(size)
                + "\"}}";
        producer.send(new ProducerRecord<>(topic, user.getBytes(UTF_8), value.getBytes(UTF_8)));
        count++;
      }
      producer.flush();
    }
    return count;
  }
}
