package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.ExitCodes;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixtures integration tests stop their workers with fail a test whose worker did not stop
 * cleanly. {@link RunningWorker}: a record's write waits behind a table lock held by the test, so
 * the drain runs out of its one second and the worker exits 3. {@link FerryProcess}: a process
 * still waiting for Kafka exits 1 on SIGTERM.
 */
@Timeout(120)
class UncleanStopIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void closingAWorkerWhoseDrainRanOutFailsTheTest() throws Exception {
    String topic = KAFKA.uniqueTopic("unclean");
    try (Connection locker = lockEvents()) {
      RunningWorker worker = start(topic);
      try (worker) {
        holdARecord(worker, topic);

        assertThatThrownBy(worker::close)
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("exit code 3 (the drain ran out of worker.drain-timeout")
            .hasMessageContaining("expected 0 (drained and stopped cleanly)");
      }
      assertThat(worker.worker().exitCode()).isEqualTo(ExitCodes.DRAIN_TIMEOUT);
      locker.rollback(); // the lock goes
    }
  }

  @Test
  void aTestThatExpectsTheDrainToRunOutSaysSo() throws Exception {
    String topic = KAFKA.uniqueTopic("expected");
    try (Connection locker = lockEvents()) {
      RunningWorker worker = start(topic).expectExitCode(ExitCodes.DRAIN_TIMEOUT);
      try (worker) {
        holdARecord(worker, topic);
      }
      assertThat(worker.worker().exitCode()).isEqualTo(ExitCodes.DRAIN_TIMEOUT);
      locker.rollback(); // the lock goes
    }
  }

  @Test
  void closingAProcessThatExitsOneOnSigtermFailsTheTest(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events("127.0.0.1:" + closedPort, PG, "nowhere")
            .kafka("api-timeout", "60s")
            .text());
    FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString());
    try (ferry) {
      ferry.awaitOutput("(kafka.api-timeout) for a Kafka broker", Duration.ofSeconds(30));

      assertThatThrownBy(ferry::close)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("ferry exited with 1 after SIGTERM")
          .hasMessageContaining("stopped while waiting for Kafka");
    }
  }

  /** A session holding {@code ACCESS EXCLUSIVE} on the events table until it is closed. */
  private static Connection lockEvents() throws Exception {
    Connection locker = PG.connect();
    locker.setAutoCommit(false);
    try (Statement s = locker.createStatement()) {
      s.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
    }
    return locker;
  }

  /** A worker whose drain may take one second. */
  private static RunningWorker start(String topic) throws Exception {
    KAFKA.createTopic(topic, 1);
    return RunningWorker.start(
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-" + topic)
            .database("lock-timeout", "500ms")
            .worker("drain-timeout", "1s")
            .load());
  }

  /** Sends one record and waits until the worker holds it; its write waits on the lock. */
  private static void holdARecord(RunningWorker worker, String topic) {
    KAFKA.produce(
        topic,
        "user-1",
        """
        {"event_id": "%s", "user_id": "user-1", "type": "click", "amount": 1.00,
         "ts": "2026-01-01T00:00:00Z", "attrs": {}}"""
            .formatted(UUID.randomUUID()));
    await("the record is held")
        .atMost(Duration.ofSeconds(30))
        .until(() -> worker.lanes().inMemory() == 1);
  }
}
