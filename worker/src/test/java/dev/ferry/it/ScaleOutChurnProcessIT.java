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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out is the consumer group: three worker processes share a 100,000-record load, started one
 * after another; meanwhile one is stopped with SIGTERM and another killed with SIGKILL and
 * restarted. The partitions move between them several times; every record must land exactly once.
 */
@Timeout(600)
class ScaleOutChurnProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 100_000;
  private static final String GROUP = "ferry-churn";
  private static final String ASSIGNED = "partitions assigned";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void threeReplicasWithStopsKillsAndRestartsApplyEveryRecordOnce(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("churn");
    KAFKA.createTopic(topic, 6);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(RECORDS)
        .seed(12)
        .retainGood(false)
        .build()
        .run();
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(GROUP)
            // Small and slow replicas, so that the churn happens while there is work to move.
            .worker("threads", 1)
            .worker("batch-size", 50)
            .clientProperty("session.timeout.ms", 6000)
            .clientProperty("heartbeat.interval.ms", 1000)
            .text());
    Progress progress = new Progress(PG, "events");
    Duration step = Duration.ofSeconds(120);

    try (FerryProcess a = start(dir, config)) {
      a.awaitOutput(ASSIGNED, step);
      progress.awaitRows(RECORDS / 10, step, "10% with one replica", () -> !a.isAlive());
      try (FerryProcess b = start(dir, config)) {
        b.awaitOutput(ASSIGNED, step);
        progress.awaitRows(RECORDS / 5, step, "20% with two replicas", () -> !a.isAlive());
        try (FerryProcess c = start(dir, config)) {
          c.awaitOutput(ASSIGNED, step);
          progress.awaitRows(
              RECORDS * 2 / 5, step, "40% with three replicas", () -> !a.isAlive() || !c.isAlive());
          b.sigterm();
          assertThat(b.awaitExit(Duration.ofSeconds(40)))
              .as("SIGTERM of b; output:\n%s", b.output())
              .isZero();
          progress.awaitRows(
              RECORDS * 3 / 5, step, "60% after b left", () -> !a.isAlive() || !c.isAlive());
          c.sigkill();
          assertThat(c.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
        }
        try (FerryProcess c2 = start(dir, config)) {
          c2.awaitOutput(ASSIGNED, step);
          progress.awaitRows(
              RECORDS, Duration.ofSeconds(240), "all rows", () -> !a.isAlive() || !c2.isAlive());
          c2.sigterm();
          assertThat(c2.awaitExit(Duration.ofSeconds(40))).isZero();
        }
      }
      a.sigterm();
      assertThat(a.awaitExit(Duration.ofSeconds(40)))
          .as("SIGTERM of a; output:\n%s", a.output())
          .isZero();
    }

    assertThat(GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic)).isZero();
    assertThat(progress.rows()).isEqualTo(RECORDS);
    assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
  }

  private static FerryProcess start(Path dir, Path config) throws java.io.IOException {
    return FerryProcess.start(dir, "run", "--config", config.toString());
  }
}
