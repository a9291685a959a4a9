package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.net.TcpProxy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /health/ready} says 503 before the group is joined, 200 while running, 503 while Postgres
 * is unreachable and 503 while draining; {@code /health/live} says 200 throughout.
 */
@Timeout(180)
class ReadinessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-readiness";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void readinessFollowsTheGroupTheDatabaseAndTheDrain() throws Exception {
    String topic = KAFKA.uniqueTopic("ready");
    KAFKA.createTopic(topic, 2);
    KafkaConsumer<byte[], byte[]> blocker = blockingMember(topic);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", PG.port())) {
      RunningWorker worker =
          RunningWorker.start(
              FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                  .group(GROUP)
                  .viaPort(proxy.port())
                  .worker("drain-timeout", "8s")
                  .load());
      Scrape scrape = worker.scrape();
      try (worker) {
        // A member that joined and then stopped polling holds the rebalance up: not joined yet.
        awaitReady(scrape, 503, "not-joined");
        assertLive(scrape);
        blocker.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        blocker = null;
        awaitReady(scrape, 200, "ready");

        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(2_000)
            .seed(6)
            .build()
            .run();
        new Progress(PG, "events").awaitRows(2_000, Duration.ofSeconds(60), "rows", () -> false);

        proxy.cut();
        awaitReady(scrape, 503, "postgres-unreachable");
        assertLive(scrape);
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(500)
            .seed(7)
            .build()
            .run();
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.lanes().inMemory() > 0);

        worker.requestStop();
        HttpResponse<String> draining = scrape.ready();
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).contains("draining");
        assertLive(scrape);
        proxy.restore();
      }
    } finally {
      if (blocker != null) {
        blocker.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      }
    }
  }

  private KafkaConsumer<byte[], byte[]> blockingMember(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 60_000);
    p.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              c.poll(Duration.ofMillis(100));
              return !c.assignment().isEmpty();
            });
    return c;
  }

  private static void awaitReady(Scrape scrape, int status, String text) {
    await("/health/ready " + status + " " + text)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              HttpResponse<String> r = scrape.ready();
              return r.statusCode() == status && r.body().contains(text);
            });
  }

  private static void assertLive(Scrape scrape) throws Exception {
    HttpResponse<String> live = scrape.live();
    assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
  }
}
