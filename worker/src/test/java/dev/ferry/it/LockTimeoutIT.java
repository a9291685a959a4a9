package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.pipeline.PipelineProcessor;
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
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lock is not a bad record: another session holds {@code ACCESS EXCLUSIVE} on the target table
 * for 30 s in the middle of a 10,000-record load while {@code database.lock-timeout} is 2 s. Every
 * write in that time ends on the lock timeout; the worker retries, says so in its metrics, log and
 * readiness while it lasts, dead-letters nothing and lands every record once after the lock goes.
 */
@Timeout(300)
@RunsBesideOthers
class LockTimeoutIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 10_000;
  private static final Duration HOLD = Duration.ofSeconds(30);
  private static final String GROUP = "ferry-lock-timeout";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aLockHeldLongerThanTheLockTimeoutIsWaitedOutWithoutDeadLetters() throws Exception {
    String topic = KAFKA.uniqueTopic("locked");
    KAFKA.createTopic(topic, 3);
    Progress progress = new Progress(PG, "events");
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(GROUP)
            .database("lock-timeout", "2s")
            .worker("threads", 2)
            .worker("batch-size", 100);

    try (LogCapture log = LogCapture.attach()) {
      RunningWorker worker = RunningWorker.start(yaml.load());
      Scrape scrape = worker.scrape();
      try (worker;
          Connection locker = PG.connect()) {
        // Produced while the worker runs, so that records keep arriving during the lock.
        Thread producer =
            LoadGenerator.builder(KAFKA.bootstrapServers())
                .topic(topic)
                .count(RECORDS)
                .ratePerSecond(500)
                .seed(41)
                .retainGood(false)
                .build()
                .runInBackground();
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.rows() >= 1_000);

        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
          s.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
        }
        long lockEnds = System.nanoTime() + HOLD.toNanos();

        await("the stall shows in the metrics, the log and readiness")
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    scrape.sum("ferry_sink_timeouts_total{kind=\"lock\"}") > 0
                        && scrape.sum("ferry_sink_available") == 0
                        && scrape.sum("ferry_transaction_oldest_age_seconds") > 0
                        && scrape.ready().body().contains(PipelineProcessor.SINK_UNAVAILABLE)
                        && !log.linesContaining("database.lock-timeout ran out").isEmpty());
        assertThat(System.nanoTime()).as("seen while the lock is held").isLessThan(lockEnds);
        assertThat(log.linesContaining("database.lock-timeout ran out").get(0))
            .startsWith("WARN [ferry-worker-")
            .contains("canceling statement due to lock timeout");
        assertThat(lockHeld(locker)).isTrue();
        long timeoutsBefore = worker.counters().sinkTimeouts();

        Hold.until(
            lockEnds, "the lock", () -> assertThat(worker.counters().deadLettered()).isZero());
        assertThat(worker.counters().sinkTimeouts())
            .as("writes kept timing out while the lock was held")
            .isGreaterThan(timeoutsBefore);
        locker.commit();

        producer.join();
        await("recovery")
            .atMost(Duration.ofSeconds(120))
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
        await("ready again")
            .atMost(Duration.ofSeconds(30))
            .until(() -> scrape.ready().statusCode() == 200);
        assertThat(scrape.sum("ferry_sink_available")).isEqualTo(1);
      }

      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).isEmpty();
      assertThat(progress.rows()).isEqualTo(RECORDS);
      assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    }
  }

  /** Whether the locking session still holds its lock (its transaction is still open). */
  private static boolean lockHeld(Connection locker) throws Exception {
    try (Statement s = locker.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                    + " AND mode = 'AccessExclusiveLock' AND granted")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }
}
