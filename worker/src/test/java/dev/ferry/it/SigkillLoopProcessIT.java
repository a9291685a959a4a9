package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Progress;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across crashes: the worker process is killed with SIGKILL five times at random
 * points of a 50,000-record load into a table without any unique constraint, and restarted each
 * time. Every record must end up as exactly one row.
 */
@Timeout(600)
class SigkillLoopProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 50_000;

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void fiveSigkillsAtRandomPointsLeaveEveryRecordExactlyOnce(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("sigkill");
    KAFKA.createTopic(topic, 6);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(RECORDS)
        .seed(11)
        .retainGood(false)
        .build()
        .run();
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-sigkill")
            .worker("batch-size", 200)
            // A killed member is only replaced after its session times out: keep that short.
            .clientProperty("session.timeout.ms", 6000)
            .clientProperty("heartbeat.interval.ms", 1000)
            .text());
    long seed = System.nanoTime();
    Random random = new Random(seed);
    long[] killAt = new long[5];
    for (int i = 0; i < killAt.length; i++) {
      killAt[i] = (long) (RECORDS * (0.1 + 0.8 * random.nextDouble()));
    }
    Arrays.sort(killAt);
    Progress progress = new Progress(PG, "events");

    for (long target : killAt) {
      try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
        progress.awaitRows(
            target,
            Duration.ofSeconds(120),
            "rows before kill at " + target + " (seed " + seed + ")",
            () -> !ferry.isAlive());
        ferry.sigkill();
        assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
      }
    }
    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      // The workers before may have applied every row already: the SIGTERM that ends this run
      // must still reach a started worker, not a JVM that has not installed its handlers yet.
      ferry.awaitOutput("partitions assigned", Duration.ofSeconds(60));
      progress.awaitRows(RECORDS, Duration.ofSeconds(180), "all rows", () -> !ferry.isAlive());
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(40)))
          .as("exit code; output:\n%s", ferry.output())
          .isZero();
    }

    assertThat(GroupLag.of(KAFKA.bootstrapServers(), "ferry-sigkill", topic))
        .as("records not committed as done")
        .isZero();
    assertThat(progress.rows())
        .as("rows (kill points %s, seed %d)", Arrays.toString(killAt), seed)
        .isEqualTo(RECORDS);
    assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
  }
}
