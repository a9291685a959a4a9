package dev.ferry.testkit.kafka;

import static dev.ferry.testkit.kafka.TestClients.consume;
import static dev.ferry.testkit.kafka.TestClients.isAlive;
import static dev.ferry.testkit.kafka.TestClients.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testkit.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka as a child process: start, use, stop with SIGTERM or SIGKILL, restart on its data. */
class KafkaProcessIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dataDir;

  @Test
  void servesClientsAndExitsOnSigterm() throws Exception {
    int port = FreePorts.pick();
    KafkaProcess kafka = KafkaProcess.start(port, dataDir, START_TIMEOUT);
    long pid = kafka.pid();
    try {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      assertThat(isAlive(pid)).isTrue();

      try (BrokerAdmin admin = new BrokerAdmin(kafka.bootstrapServers())) {
        assertThat(admin.finalizedLevels()).isEqualTo(BrokerAdmin.productionFeatureLevels());
      }
      kafka.createTopic("greetings", 2);
      produce(kafka.bootstrapServers(), "greetings", List.of("a", "b", "c"));
      assertThat(consume(kafka.bootstrapServers(), "greetings", 2, 3))
          .containsExactlyInAnyOrder("a", "b", "c");
    } finally {
      kafka.stop(Duration.ofSeconds(20));
    }

    assertThat(isAlive(pid)).isFalse();
    assertThat(TestClients.accepts(port)).isFalse();
    assertThat(kafka.logFile()).content().contains("Kafka Server started");
    kafka.stop(Duration.ofSeconds(20)); // a second stop does nothing
  }

  @Test
  void restartsOnItsDataAfterSigkill() throws Exception {
    int port = FreePorts.pick();
    KafkaProcess first = KafkaProcess.start(port, dataDir, START_TIMEOUT);
    try {
      first.createTopic("kept", 1);
      produce(first.bootstrapServers(), "kept", List.of("before-kill"));
    } finally {
      first.stop(Duration.ZERO); // kill -9
    }
    assertThat(isAlive(first.pid())).isFalse();

    KafkaProcess second = KafkaProcess.start(port, dataDir, START_TIMEOUT);
    try {
      produce(second.bootstrapServers(), "kept", List.of("after-restart"));
      assertThat(consume(second.bootstrapServers(), "kept", 1, 2))
          .containsExactly("before-kill", "after-restart");
    } finally {
      second.close();
    }
    assertThat(isAlive(second.pid())).isFalse();
  }

  @Test
  void refusesAPortInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> KafkaProcess.start(taken.getLocalPort(), dataDir, START_TIMEOUT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
  }
}
