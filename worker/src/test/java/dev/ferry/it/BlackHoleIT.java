package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.sink.TransactionWatchdog;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Hold;
import dev.ferry.support.LogCapture;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.net.TcpProxy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database that stops answering without closing its connections: a loopback proxy between worker
 * and Postgres stops forwarding bytes for 20 s in the middle of a load, like a network path that
 * drops packets. Nothing fails on its own then: a call waits for a reply that does not come. The
 * worker must notice within its socket timeout (or, when that is longer than a transaction may
 * take, through its watchdog), reconnect once bytes flow again, dead-letter nothing and land every
 * record once.
 */
@Timeout(300)
@RunsBesideOthers
class BlackHoleIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 20_000;
  private static final Duration HOLE = Duration.ofSeconds(20);

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void theSocketTimeoutNoticesAServerThatStoppedAnswering() throws Exception {
    Duration socketTimeout = Duration.ofSeconds(4);
    run(
        "black-hole-socket",
        yaml ->
            yaml.database("statement-timeout", "2s")
                .database("socket-timeout", socketTimeout.toSeconds() + "s")
                .database("connect-timeout", "2s")
                .database("acquire-timeout", "3s"),
        socketTimeout,
        "database.socket-timeout ran out");
  }

  @Test
  void theWatchdogAbortsATransactionStuckLongerThanItsDeadline() throws Exception {
    // A socket timeout longer than the hole: only the watchdog can end the wait.
    Duration transactionTimeout = Duration.ofSeconds(3);
    run(
        "black-hole-watchdog",
        yaml ->
            yaml.database("statement-timeout", "2s")
                .database("socket-timeout", "5m")
                .database("transaction-timeout", transactionTimeout.toSeconds() + "s")
                .database("connect-timeout", "2s")
                .database("acquire-timeout", "3s"),
        transactionTimeout.plusSeconds(1), // plus the watchdog's margin
        "past database.transaction-timeout");
  }

  private void run(
      String group,
      java.util.function.UnaryOperator<FerryYaml> timeouts,
      Duration noticedWithin,
      String logged)
      throws Exception {
    String topic = KAFKA.uniqueTopic(group);
    KAFKA.createTopic(topic, 4);
    Progress progress = new Progress(PG, "events");
    PG.execute("TRUNCATE events");

    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", PG.port());
        LogCapture log = LogCapture.attach()) {
      FerryYaml yaml =
          timeouts.apply(
              FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                  .group(group)
                  .viaPort(proxy.port())
                  .worker("threads", 2)
                  .worker("batch-size", 50));
      RunningWorker worker = RunningWorker.start(yaml.load());
      Scrape scrape = worker.scrape();
      Thread producer =
          LoadGenerator.builder(KAFKA.bootstrapServers())
              .topic(topic)
              .count(RECORDS)
              .ratePerSecond(1_000)
              .seed(43)
              .retainGood(false)
              .build()
              .runInBackground();
      try (worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.rows() >= 2_000);

        proxy.blackHole();
        long holeStarted = System.nanoTime();
        long holeEnds = holeStarted + HOLE.toNanos();
        await("the worker notices the silence")
            .atMost(noticedWithin.plusSeconds(8)) // well inside the 20 s hole
            .pollInterval(Duration.ofMillis(200))
            .until(() -> !log.linesContaining(logged).isEmpty());
        long noticedAfterMillis = (System.nanoTime() - holeStarted) / 1_000_000;
        assertThat(System.nanoTime()).as("noticed while the hole lasts").isLessThan(holeEnds);
        System.out.printf("%s: noticed after %d ms%n", group, noticedAfterMillis);
        if (logged.contains("transaction-timeout")) {
          assertThat(scrape.ready().body()).contains(TransactionWatchdog.STUCK);
          assertThat(scrape.sum("ferry_transactions_stuck")).isPositive();
        }

        Hold.until(
            holeEnds,
            "the black hole",
            () -> assertThat(worker.counters().deadLettered()).isZero());
        proxy.restore();

        producer.join();
        await("recovery")
            .atMost(Duration.ofSeconds(120))
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, topic) == 0);
        await("ready again")
            .atMost(Duration.ofSeconds(30))
            .until(() -> scrape.ready().statusCode() == 200);
        if (logged.contains("transaction-timeout")) {
          assertThat(scrape.sum("ferry_transactions_aborted_total")).isPositive();
          assertThat(scrape.sum("ferry_transactions_stuck")).isZero();
          assertThat(log.linesContaining("past database.transaction-timeout").get(0))
              .startsWith("ERROR [ferry-watchdog]")
              .contains("the transaction of lane ferry-worker-")
              .contains("pipelines [events], partitions [" + topic + "-");
        } else {
          assertThat(scrape.sum("ferry_sink_timeouts_total{kind=\"socket\"}")).isPositive();
        }
      }

      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).isEmpty();
      assertThat(progress.rows()).isEqualTo(RECORDS);
      assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    }
  }
}
