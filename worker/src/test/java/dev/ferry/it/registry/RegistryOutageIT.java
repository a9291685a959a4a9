package dev.ferry.it.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.net.TcpProxy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.registry.ApicurioRegistry;
import dev.ferry.testkit.registry.Framed;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 2 of issue 18. The registry is down when the worker starts and comes back 20 s later:
 * meanwhile the worker waits (nothing applied, nothing dead-lettered) and {@code /health/ready}
 * answers 503 with reason {@code registry-unavailable}; then every record lands. After that warm-up
 * the registry is stopped for good and more records of the same schema ids land all the same, and
 * the worker asked the registry once per distinct id.
 *
 * <p>Apicurio keeps schemas in memory, so the ids are learnt on a first start, the records framed
 * with them, and the same schemas registered in the same order after the restart (the test checks
 * that the ids match). The worker reaches the registry through a proxy that stays cut until those
 * schemas are registered again: a registry that came back with its storage, as a real one does,
 * rather than an empty one that would rightly answer "unknown id" for a moment.
 */
@Timeout(240)
@RunsBesideOthers
class RegistryOutageIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int BEFORE = 30;
  private static final int AFTER = 20;
  private static final Duration DOWN = Duration.ofSeconds(20);
  private static final Duration APPLIED = Duration.ofSeconds(60);
  private static final String OK_REQUESTS = "ferry_registry_requests_total{outcome=\"ok\"}";

  @Test
  void theWorkerWaitsForTheRegistryThenNeedsItNoMoreForKnownIds(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("registry-outage");
    KAFKA.createTopic(topic, 2);
    PG.execute("CREATE TABLE readings " + Readings.TABLE);
    List<Map<String, Object>> expected = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("registry"));
        TcpProxy proxy = proxyTo(registry)) {
      int[] ids = registerReadings(registry, topic);
      registry.stop();
      proxy.cut();
      produce(topic, 1, BEFORE, ids, expected);
      RegistryPipeline pipeline = pipeline(topic, registry, proxy);

      RunningWorker worker = RunningWorker.start(pipeline.load());
      try (worker) {
        Scrape scrape = worker.scrape();
        await("/health/ready 503 registry-unavailable")
            .atMost(APPLIED)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> waitsForTheRegistry(scrape.ready()));
        await("the worker waiting " + DOWN.toSeconds() + " s for the registry")
            .during(DOWN)
            .atMost(DOWN.plusSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    waitsForTheRegistry(scrape.ready())
                        && worker.counters().deadLettered() == 0
                        && PG.queryLong("SELECT count(*) FROM readings") == 0);

        registry.restart();
        assertThat(registerReadings(registry, topic))
            .as("the restarted registry gives the same ids")
            .containsExactly(ids);
        proxy.restore();
        awaitRows(BEFORE);
        assertThat(registry.schemaFetches())
            .as("schema fetches the registry served")
            .isEqualTo(ids.length);
        await("/health/ready 200").atMost(APPLIED).until(() -> scrape.ready().statusCode() == 200);

        registry.stop();
        produce(topic, BEFORE + 1, AFTER, ids, expected);
        awaitRows(BEFORE + AFTER);
        assertThat(scrape.sum(OK_REQUESTS))
            .as("one answered request per distinct schema id")
            .isEqualTo(ids.length);
        assertThat(worker.counters().deadLettered()).as(pipeline.describeDeadLetters()).isZero();
      }
      assertThat(pipeline.deadLetters()).as("nothing dead-lettered").isEmpty();
    }
    ExactRows.assertTable(PG, "readings", "id", expected);
  }

  private static boolean waitsForTheRegistry(HttpResponse<String> ready) {
    return ready.statusCode() == 503 && ready.body().contains("registry-unavailable");
  }

  /** A proxy in front of the registry's port. */
  private static TcpProxy proxyTo(ApicurioRegistry registry) throws Exception {
    URI url = URI.create(registry.url());
    return TcpProxy.start(url.getHost(), url.getPort());
  }

  private static RegistryPipeline pipeline(
      String topic, ApicurioRegistry registry, TcpProxy proxy) {
    URI url = URI.create(registry.url());
    String viaProxy = "http://127.0.0.1:" + proxy.port() + url.getPath();
    RegistryPipeline pipeline =
        RegistryPipeline.of(KAFKA, PG, topic, "avro", "readings").registry(viaProxy);
    Readings.COLUMNS.forEach(pipeline::column);
    return pipeline;
  }

  /** Versions 1 and 2 of the readings schema, in this order: their ids. */
  private static int[] registerReadings(ApicurioRegistry registry, String topic) {
    int v1 = registry.register(topic + "-value", Readings.V1, "AVRO");
    int v2 = registry.register(topic + "-value", Readings.V2, "AVRO");
    assertThat(v2).isNotEqualTo(v1);
    return new int[] {v1, v2};
  }

  /** Readings {@code first} to {@code first + count - 1}, versions alternating. */
  private static void produce(
      String topic, int first, int count, int[] ids, List<Map<String, Object>> expected)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (long id = first; id < first + count; id++) {
        boolean version2 = id % 2 == 0;
        byte[] value = Framed.avro(ids[version2 ? 1 : 0], Readings.record(id, version2));
        producer.send(new ProducerRecord<>(topic, ("r" + id).getBytes(UTF_8), value)).get();
        expected.add(Readings.row(id, version2));
      }
    }
  }

  private static void awaitRows(long rows) {
    await(rows + " readings applied")
        .atMost(APPLIED)
        .until(() -> PG.queryLong("SELECT count(*) FROM readings") == rows);
  }
}
