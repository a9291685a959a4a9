package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Hold;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaClusterExtension;
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
 * The dead-letter topic's broker is unreachable while a record must be dead-lettered: a two-broker
 * cluster holds the input topic and the consumer group on one broker and the DLT on the other, and
 * the test cuts the second one off. The dead letter must be retried until that broker returns, the
 * record's offset must not be committed before the DLT acknowledged it, and everything else keeps
 * flowing meanwhile.
 */
@Timeout(300)
@RunsBesideOthers
class DeadLetterBrokerUnreachableIT {
  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(2);
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int GOOD_BEFORE = 300;
  private static final int GOOD_AFTER = 300;
  private static final long BAD_OFFSET = GOOD_BEFORE;
  private static final Duration UNREACHABLE = Duration.ofSeconds(12);

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aDeadLetterWaitsForItsBrokerAndItsOffsetIsNotCommittedBefore() throws Exception {
    int inputBroker = KAFKA.brokerIds().get(0);
    int deadLetterBroker = KAFKA.brokerIds().get(1);
    String topic = KAFKA.uniqueTopic("dlt-unreachable");
    KAFKA.createTopic(topic, 1, inputBroker);
    KAFKA.createTopic(topic + ".dlt", 1, deadLetterBroker);
    String group = KAFKA.groupCoordinatedBy(inputBroker, "ferry-dlt-unreachable");
    String direct = KAFKA.directBootstrapServers(); // never cut: for the test's own reads
    Progress progress = new Progress(PG, "events");

    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(group)
                .deadLetter("send-timeout", "3s")
                .worker("threads", 4)
                .worker("batch-size", 20)
                .load());
    Scrape scrape = worker.scrape();
    try (worker) {
      await("the worker joined")
          .atMost(Duration.ofSeconds(60))
          .until(() -> scrape.ready().statusCode() == 200);
      KAFKA.proxy(deadLetterBroker).cut();
      long reachableAgain = System.nanoTime() + UNREACHABLE.toNanos();

      produce(topic);
      // The bad record's lane waits for the DLT; the other lanes go on past the bad record.
      await("records after the bad one land")
          .atMost(Duration.ofSeconds(60))
          .until(() -> progress.rows() > GOOD_BEFORE);
      await("the dead letter fails and is retried")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  scrape.sum("ferry_dead_letter_send_failures_total") >= 2
                      && scrape.ready().body().contains(DeadLetterPublisher.UNAVAILABLE));
      // Commits run every 200 ms: give them many chances to go past the bad record.
      Hold.until(
          reachableAgain,
          "the DLT's broker cut off",
          () ->
              assertThat(GroupLag.committed(direct, group, topic))
                  .as("committed offset while the DLT is unreachable")
                  .isLessThanOrEqualTo(BAD_OFFSET));
      assertThat(DeadLetters.readAll(direct, topic + ".dlt")).isEmpty();
      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(progress.rows()).isLessThan(GOOD_BEFORE + GOOD_AFTER);

      KAFKA.proxy(deadLetterBroker).restore();
      await("the dead letter is acknowledged and the offset committed past it")
          .atMost(Duration.ofSeconds(60))
          .until(() -> GroupLag.committed(direct, group, topic) == GOOD_BEFORE + 1 + GOOD_AFTER);
      await("ready again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> scrape.ready().statusCode() == 200);
    }

    List<ConsumerRecord<byte[], byte[]>> letters = DeadLetters.readAll(direct, topic + ".dlt");
    assertThat(letters).hasSize(1);
    assertThat(DeadLetters.header(letters.get(0), DeadLetterHeaders.ORIGINAL_OFFSET))
        .isEqualTo(Long.toString(BAD_OFFSET));
    assertThat(worker.counters().deadLettered()).isEqualTo(1);
    assertThat(progress.rows()).isEqualTo(GOOD_BEFORE + GOOD_AFTER);
    assertThat(progress.distinctEvents()).isEqualTo(GOOD_BEFORE + GOOD_AFTER);
  }

  /**
   * Good events at offsets 0..299 and 301..600, an invalid JSON value at offset 300; sent past the
   * proxies, so the cut broker does not hold them up.
   */
  private static void produce(String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < GOOD_BEFORE + 1 + GOOD_AFTER; i++) {
        String key = "user-" + (i % 37);
        String value =
            i == BAD_OFFSET
                ? "{not json"
                : """
                  {"event_id": "%s", "user_id": "%s", "type": "click", "amount": 1.50,
                   "ts": "2025-01-01T00:00:00Z", "attrs": {}}"""
                    .formatted(UUID.randomUUID(), key);
        producer.send(new ProducerRecord<>(topic, 0, key.getBytes(UTF_8), value.getBytes(UTF_8)));
      }
      producer.flush();
    }
  }
}
