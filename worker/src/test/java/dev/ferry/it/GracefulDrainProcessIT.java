package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
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

/** {@code ferry run} as its own process: it loads records and exits 0 on SIGTERM after draining. */
@Timeout(180)
class GracefulDrainProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

  @BeforeAll
  static void tables() throws Exception {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void sigtermAfterTheRowsLandedExitsZeroWithinTheDrainTimeout(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("drain");
    KAFKA.createTopic(topic, 6);
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .worker("drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s")
            .text());

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      LoadGenerator.builder(KAFKA.bootstrapServers())
          .topic(topic)
          .count(5_000)
          .seed(3)
          .build()
          .run();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .failFast("ferry exited early", () -> !ferry.isAlive())
          .until(() -> PG.queryLong("SELECT count(*) FROM events") >= 5_000);

      ferry.sigterm();
      int exit = ferry.awaitExit(DRAIN_TIMEOUT);

      assertThat(exit).as("exit code; output:\n%s", ferry.output()).isZero();
      assertThat(ferry.output()).contains("draining").contains("stopped (exit code 0)");
    }
    assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(5_000);
  }
}
