package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.LogCapture;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream of nothing but bad records halts its pipeline after the breaker's threshold instead of
 * pouring the topic into the DLT; an operator's resume lets it go on (and halt again here).
 */
@Timeout(120)
class DeadLetterBreakerIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 3_000;
  private static final int MAX_CONSECUTIVE = 50;
  private static final String GROUP = "ferry-breaker";

  @BeforeAll
  static void table() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aStreamOfBadRecordsHaltsThePipelineUntilAnOperatorResumesIt() throws Exception {
    String topic = KAFKA.uniqueTopic("breaker");
    KAFKA.createTopic(topic, 3);
    produceGarbage(topic);

    long firstHalt;
    long afterResume;
    try (LogCapture log = LogCapture.attach()) {
      RunningWorker worker =
          RunningWorker.start(
              FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                  .group(GROUP)
                  .worker("threads", 2)
                  .worker("batch-size", 20)
                  .breaker("max-consecutive", MAX_CONSECUTIVE)
                  .breaker("window", 100)
                  .load());
      Scrape scrape = worker.scrape();
      try (worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.breaker().isHalted("events"));
        HttpResponse<String> ready = scrape.ready();
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("pipeline-halted:events");
        assertThat(scrape.metrics().body())
            .contains("ferry_pipeline_halted{pipeline=\"events\"} 1");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> worker.lanes().inMemory() == 0 && worker.pollLoop().pausedPartitions() == 3);
        firstHalt = worker.counters().deadLettered();

        assertThat(scrape.post("/pipelines/events/resume").statusCode()).isEqualTo(200);
        assertThat(scrape.metrics().body())
            .contains("ferry_pipeline_halted{pipeline=\"events\"} 0");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    worker.counters().deadLettered() > firstHalt
                        && worker.breaker().isHalted("events"));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.lanes().inMemory() == 0);
        afterResume = worker.counters().deadLettered();
        assertThat(GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic))
            .as("records left in Kafka, uncommitted")
            .isGreaterThan(RECORDS / 2);
      }
      assertThat(log.linesContaining("] pipeline events halted by the dead-letter breaker"))
          .isNotEmpty();
    }

    assertThat(firstHalt).isBetween((long) MAX_CONSECUTIVE, (long) RECORDS / 10);
    assertThat(afterResume).isLessThan(RECORDS / 5);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt"))
        .hasSize((int) afterResume);
  }

  private static void produceGarbage(String topic) {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, ("k" + i).getBytes(UTF_8), ("garbage " + i).getBytes(UTF_8)));
      }
      producer.flush();
    }
  }
}
