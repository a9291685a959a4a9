package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Progress;
import dev.ferry.support.SlowInserts;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry run} as its own process: SIGTERM drains and exits 0; a second one stops at once. */
@Timeout(300)
class GracefulDrainProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
    PG.execute("CREATE TABLE events_under_load (LIKE events)");
    PG.execute("CREATE TABLE events_slow (LIKE events)");
    SlowInserts.everyRowSleeps(PG, "events_slow", 0.2);
  }

  private static Path config(Path dir, FerryYaml yaml) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        yaml.worker("drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s").patientDatabase().text());
    return config;
  }

  @Test
  void sigtermAfterTheRowsLandedExitsZeroWithinTheDrainTimeout(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("drain");
    KAFKA.createTopic(topic, 6);
    Path config = config(dir, FerryYaml.events(KAFKA.bootstrapServers(), PG, topic));

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      LoadGenerator.builder(KAFKA.bootstrapServers())
          .topic(topic)
          .count(5_000)
          .seed(3)
          .build()
          .run();
      new Progress(PG, "events")
          .awaitRows(5_000, Duration.ofSeconds(90), "5,000 rows", () -> !ferry.isAlive());

      ferry.sigterm();
      int exit = ferry.awaitExit(DRAIN_TIMEOUT);

      assertThat(exit).as("exit code; output:\n%s", ferry.output()).isZero();
      assertThat(ferry.output()).contains("draining").contains("stopped (exit code 0)");
    }
    assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(5_000);
  }

  /**
   * SIGTERM while 50,000 records flow: exit 0 within the drain timeout, and the committed offsets
   * equal the applied rows (every partition's committed offset covers only applied records, so
   * equal sums mean equal per partition); a restart finishes the rest without duplicates.
   */
  @Test
  void sigtermUnderLoadCommitsExactlyWhatWasAppliedAndARestartFinishes(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("underload");
    KAFKA.createTopic(topic, 6);
    String group = "ferry-under-load";
    Path config =
        config(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(group)
                .table("events_under_load"));
    Progress progress = new Progress(PG, "events_under_load");
    Thread producer =
        new Thread(
            () ->
                LoadGenerator.builder(KAFKA.bootstrapServers())
                    .topic(topic)
                    .count(50_000)
                    .ratePerSecond(10_000)
                    .seed(8)
                    .retainGood(false)
                    .build()
                    .run(),
            "test-producer");

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      ferry.awaitOutput("partitions assigned", Duration.ofSeconds(60));
      producer.start();
      progress.awaitRows(15_000, Duration.ofSeconds(90), "15,000 rows", () -> !ferry.isAlive());

      ferry.sigterm();
      assertThat(ferry.awaitExit(DRAIN_TIMEOUT))
          .as("exit code; output:\n%s", ferry.output())
          .isZero();
    }
    long rowsAtStop = progress.rows();
    assertThat(rowsAtStop).isLessThan(50_000);
    assertThat(GroupLag.committed(KAFKA.bootstrapServers(), group, topic)).isEqualTo(rowsAtStop);
    producer.join(60_000);

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("ferry exited", () -> !ferry.isAlive())
          .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, topic) == 0);
      ferry.sigterm();
      assertThat(ferry.awaitExit(DRAIN_TIMEOUT)).isZero();
    }
    assertThat(progress.rows()).isEqualTo(50_000);
    assertThat(progress.distinctEvents()).isEqualTo(50_000);
  }

  @Test
  void aSecondSignalDuringALongDrainStopsAtOnce(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("second");
    KAFKA.createTopic(topic, 2);
    LoadGenerator.builder(KAFKA.bootstrapServers()).topic(topic).count(2_000).seed(5).build().run();
    Path config =
        config(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group("ferry-second-signal")
                .urlParameters("ApplicationName=ferry-second-signal")
                .table("events_slow")
                // Each row sleeps 0.2 s in a trigger: small batches commit the first rows within
                // seconds, however many records the first poll brings; the drain stays long.
                .worker("batch-size", 5));

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      new Progress(PG, "events_slow")
          .awaitRows(1, Duration.ofSeconds(60), "first rows", () -> !ferry.isAlive());
      ferry.sigterm();
      ferry.awaitOutput("draining", Duration.ofSeconds(10));
      ferry.sigterm();

      assertThat(ferry.awaitExit(Duration.ofSeconds(5)))
          .as("exit code; output:\n%s", ferry.output())
          .isEqualTo(130);
      assertThat(ferry.output()).contains("stopping at once");
    } finally {
      // The killed worker's backends may still sleep in the trigger; end them so the schema drops.
      PG.queryLong(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              + " WHERE application_name = 'ferry-second-signal'");
    }
  }
}
