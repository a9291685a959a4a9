package dev.ferry.it.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.FreePorts;
import dev.ferry.testkit.cdc.TableComparison;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across crashes, for change data capture: while a source database takes about 3,000
 * changes (inserts, updates, deletes, primary-key changes on 300 keys, in about 1,000 small
 * transactions), the worker process is SIGKILLed three times part way (when its group has committed
 * 20 %, 45 % and 70 % of the records Debezium writes for the script) and restarted each time. In
 * the end:
 *
 * <ul>
 *   <li>the target table equals the source table, column by column: no change lost, none applied
 *       twice in a way that shows, no older change applied over a newer one;
 *   <li>no record counted stale ({@code ferry_records_skipped_total{reason="stale"}}, scraped from
 *       each killed worker just before its kill and from the last one after it caught up): Debezium
 *       delivers each key's changes in source order, so a stale record can only be a redelivery
 *       after a kill that the applied-offset markers failed to recognise (they count it as already
 *       applied instead), or a position comparison that takes a newer change for an older one.
 *       Counts a worker made after its last scrape die with it: this is a lower bound;
 *   <li>nothing dead-lettered: every event is a valid change of a valid row, so a dead letter means
 *       a crash left something the worker could not apply (the dead-letter topic does not exist or
 *       is empty);
 *   <li>the group has committed every record.
 * </ul>
 */
@Timeout(420)
class CdcKillIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int KEYS = 300;
  private static final int CHANGES = 3_000;
  private static final double[] KILL_AT = {0.20, 0.45, 0.70};
  private static final String STALE = "ferry_records_skipped_total{reason=\"stale\"}";
  private static final String APPLIED = "ferry_records_applied_total";

  @Test
  void threeSigkillsPartWayLeaveTheTargetEqualToTheSource(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    ChangeScript script = ChangeScript.generate(seed, KEYS, CHANGES);
    PG.execute("CREATE TABLE items " + ChangeScript.TABLE);
    try (CdcSource source =
            CdcSource.start(
                dir,
                KAFKA,
                List.of("public.items"),
                true,
                db ->
                    db.execute(
                        "CREATE TABLE items " + ChangeScript.TABLE,
                        ChangeScript.initialRows(KEYS)));
        Connection target = PG.connect()) {
      String topic = source.topic("public.items");
      long records = KEYS / 3 + script.records();
      int httpPort = FreePorts.pick();
      CdcPipeline pipeline = CdcPipeline.of(KAFKA, PG, topic, "items");
      Path config = dir.resolve("ferry.yaml");
      Files.writeString(
          config,
          pipeline
              .yaml()
              .httpPort(httpPort)
              .worker("batch-size", 50)
              .worker("commit-interval", "100ms")
              // A killed member is only replaced after its session times out: keep that short.
              .clientProperty("session.timeout.ms", 6000)
              .clientProperty("heartbeat.interval.ms", 1000)
              .text());

      CompletableFuture<Void> changes =
          CompletableFuture.runAsync(() -> script.transactions().forEach(source.db()::transaction));
      List<Double> staleSeen;
      try {
        staleSeen = killPartWay(new Worker(config, pipeline, topic, httpPort, seed), records);
      } finally {
        // The source connection is the script's until it ends, also when a kill fails the test.
        changes.handle((done, failure) -> done).get(120, TimeUnit.SECONDS);
      }
      changes.get(120, TimeUnit.SECONDS);
      source.awaitStreamed();

      TableComparison comparison =
          TableComparison.between(source.db().connection(), "public.items", target, "items");
      try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
        await("target equals source after three kills (seed " + seed + ")")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(250))
            .failFast("ferry exited", () -> !ferry.isAlive())
            .untilAsserted(comparison::assertEqual);
        await("group caught up")
            .atMost(Duration.ofSeconds(30))
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), pipeline.group(), topic) == 0);
        staleSeen.add(new Scrape(httpPort).sum(STALE));
        ferry.sigterm();
        assertThat(ferry.awaitExit(Duration.ofSeconds(40)))
            .as("exit code; output:\n%s", ferry.output())
            .isZero();
      }
      assertThat(staleSeen).as("stale records per worker (seed %d)", seed).containsOnly(0.0);
      assertThat(pipeline.deadLetters()).as("dead letters").isEmpty();
      comparison.assertEqual();
    }
  }

  /** How the test runs a worker process. */
  private record Worker(Path config, CdcPipeline pipeline, String topic, int httpPort, long seed) {}

  /**
   * Runs a worker until its group has committed each fraction of {@link #KILL_AT} of the {@code
   * records}, then SIGKILLs it, three times.
   *
   * @return what each worker counted stale just before its kill
   */
  private static List<Double> killPartWay(Worker worker, long records) throws Exception {
    List<Double> staleSeen = new ArrayList<>();
    for (double fraction : KILL_AT) {
      long killAt = (long) (records * fraction);
      try (FerryProcess ferry =
          FerryProcess.start(
              worker.config().getParent(), "run", "--config", worker.config().toString())) {
        // Killed only once it has applied something itself: an earlier worker may have got past
        // this fraction already.
        await("group committed " + killAt + " of " + records + " (seed " + worker.seed() + ")")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(50))
            .failFast("ferry exited", () -> !ferry.isAlive())
            .ignoreExceptions()
            .until(
                () ->
                    Scrape.withTimeout(worker.httpPort(), Duration.ofSeconds(2)).sum(APPLIED) > 0
                        && GroupLag.committed(
                                KAFKA.bootstrapServers(), worker.pipeline().group(), worker.topic())
                            >= killAt);
        staleSeen.add(Scrape.withTimeout(worker.httpPort(), Duration.ofSeconds(2)).sum(STALE));
        ferry.sigkill();
        assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
      }
    }
    return staleSeen;
  }
}
