package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.app.FerryWorker;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

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
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    HttpClient http = HttpClient.newHttpClient();

    FerryWorker worker =
        FerryWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .worker("threads", 2)
                .worker("batch-size", 20)
                .breaker("max-consecutive", MAX_CONSECUTIVE)
                .breaker("window", 100)
                .load());
    long firstHalt;
    long afterResume;
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.breaker().isHalted("events"));
      HttpResponse<String> ready = get(http, worker, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("pipeline-halted:events");
      String metrics = get(http, worker, "/metrics").body();
      assertThat(metrics).contains("ferry_pipeline_halted{pipeline=\"events\"} 1");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.lanes().inMemory() == 0 && worker.pollLoop().pausedPartitions() == 3);
      firstHalt = worker.counters().deadLettered();

      HttpResponse<String> resumed =
          http.send(
              HttpRequest.newBuilder(uri(worker, "/pipelines/events/resume"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(resumed.statusCode()).isEqualTo(200);
      assertThat(get(http, worker, "/metrics").body())
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
    } finally {
      worker.requestStop();
      worker.awaitTermination(Duration.ofSeconds(60));
      root.detachAppender(logs);
    }

    assertThat(firstHalt).isBetween((long) MAX_CONSECUTIVE, (long) RECORDS / 10);
    assertThat(afterResume).isLessThan(RECORDS / 5);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt"))
        .hasSize((int) afterResume);
    assertThat(logs.list)
        .anyMatch(
            e ->
                e.getFormattedMessage()
                    .startsWith("pipeline events halted by the dead-letter breaker"));
  }

  private static URI uri(FerryWorker worker, String path) {
    return URI.create("http://127.0.0.1:" + worker.httpPort() + path);
  }

  private static HttpResponse<String> get(HttpClient http, FerryWorker worker, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(worker, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void produceGarbage(String topic) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, ("k" + i).getBytes(UTF_8), ("garbage " + i).getBytes(UTF_8)));
      }
      producer.flush();
    }
  }
}
