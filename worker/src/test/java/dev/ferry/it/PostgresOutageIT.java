package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Hold;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.net.TcpProxy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database outage is not a bad record: Postgres vanishes for 20 s in the middle of a
 * 30,000-record load (a loopback proxy between worker and server resets every connection and
 * refuses new ones). The worker must report itself not ready meanwhile, dead-letter nothing, and
 * land every record exactly once after the database is back.
 */
@Timeout(300)
@RunsBesideOthers
class PostgresOutageIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 30_000;
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final String GROUP = "ferry-outage";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void anOutageIsWaitedOutWithoutDeadLettersAndEverythingLandsOnce() throws Exception {
    String topic = KAFKA.uniqueTopic("outage");
    KAFKA.createTopic(topic, 6);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(RECORDS)
        .seed(31)
        .retainGood(false)
        .build()
        .run();
    Progress progress = new Progress(PG, "events");

    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", PG.port())) {
      FerryYaml yaml =
          FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
              .group(GROUP)
              .viaPort(proxy.port())
              .worker("threads", 2)
              .worker("batch-size", 100);
      RunningWorker worker = RunningWorker.start(yaml.load());
      Scrape scrape = worker.scrape();
      AtomicInteger notReadySamples = new AtomicInteger();
      AtomicBoolean readyBeforeOutage = new AtomicBoolean();
      try (worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.rows() >= RECORDS / 10);
        readyBeforeOutage.set(scrape.ready().statusCode() == 200);

        proxy.cut();
        long outageEnds = System.nanoTime() + OUTAGE.toNanos();
        Hold.until(
            outageEnds,
            "the outage",
            () -> {
              HttpResponse<String> r = scrape.ready();
              if (r.statusCode() == 503 && r.body().contains("sink-unavailable")) {
                notReadySamples.incrementAndGet();
              }
            });
        assertThat(worker.counters().deadLettered()).isZero();
        assertThat(worker.counters().retries()).isPositive();
        long rowsDuringOutage = progress.rows();
        assertThat(rowsDuringOutage).isLessThan(RECORDS);
        proxy.restore();

        await("recovery")
            .atMost(Duration.ofSeconds(120))
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
        await("ready again")
            .atMost(Duration.ofSeconds(30))
            .until(() -> scrape.ready().statusCode() == 200);
      }

      assertThat(readyBeforeOutage).isTrue();
      assertThat(notReadySamples.get())
          .as("samples saying not ready during the outage")
          .isPositive();
      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(progress.rows()).isEqualTo(RECORDS);
      assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    }
  }
}
