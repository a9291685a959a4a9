package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong bootstrap address: {@code run} answers its probes at once (live; not ready, with the
 * reason {@code kafka-unreachable}), says once what it waits for, and exits 1 with the address
 * after {@code kafka.api-timeout}; {@code check} names the address and the wait (also {@code
 * kafka.api-timeout}) instead of a bare {@code TimeoutException}.
 */
@Timeout(120)
@RunsBesideOthers
class KafkaUnreachableProcessIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  /** How long a probe waits for an answer. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void runAnswersNotReadyWithTheReasonThenExitsNamingTheAddress(@TempDir Path dir)
      throws Exception {
    int kafkaPort = closedPort();
    int httpPort = closedPort();
    Path config = write(dir, kafkaPort, httpPort, "10s");

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      awaitNotReadyForKafka(httpPort);
      assertThat(Scrape.withTimeout(httpPort, PROBE_TIMEOUT).live().statusCode()).isEqualTo(200);

      int exit = ferry.awaitExit(Duration.ofSeconds(40));
      String output = ferry.output();
      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(1);
      assertThat(output)
          .contains("no Kafka broker answered at 127.0.0.1:" + kafkaPort + " within 10s")
          .contains("check kafka.bootstrap-servers");
      assertThat(output.split("waiting up to 10s \\(kafka.api-timeout\\) for a Kafka broker", -1))
          .as("one line says what Ferry waits for:\n%s", output)
          .hasSize(2);
      assertThat(output).doesNotContain("could not be established");
    }
  }

  @Test
  void sigtermEndsTheWaitForKafka(@TempDir Path dir) throws Exception {
    int httpPort = closedPort();
    Path config = write(dir, closedPort(), httpPort, "60s");

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      awaitNotReadyForKafka(httpPort);
      ferry.sigterm();

      int exit = ferry.awaitExit(Duration.ofSeconds(15));
      assertThat(exit).as("exit code; output:\n%s", ferry.output()).isEqualTo(1);
      assertThat(ferry.output()).contains("stopped while waiting for Kafka at 127.0.0.1:");
    }
  }

  @Test
  void checkNamesTheAddressItCouldNotReach(@TempDir Path dir) throws Exception {
    int kafkaPort = closedPort();
    Path config = write(dir, kafkaPort, 0, "10s");

    try (FerryProcess ferry = FerryProcess.start(dir, "check", "--config", config.toString())) {
      int exit = ferry.awaitExit(Duration.ofSeconds(60));
      String output = ferry.output();
      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(1);
      assertThat(output)
          .contains(
              "kafka      UNREACHABLE: no Kafka broker answered at 127.0.0.1:"
                  + kafkaPort
                  + " within 10s") // kafka.api-timeout
          .doesNotContain("java.util.concurrent.TimeoutException")
          .doesNotContain("could not be established");
    }
  }

  private Path write(Path dir, int kafkaPort, int httpPort, String apiTimeout) throws IOException {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        """
        kafka:
          bootstrap-servers: 127.0.0.1:%d
          request-timeout: 5s
          api-timeout: %s
        database:
          url: %s
          username: %s
          password: "%s"
        http:
          bind-address: 127.0.0.1
          port: %d
        pipelines:
          - name: events
            topics: [events]
            table: %s
            columns:
              event_id: /event_id
        """
            .formatted(
                kafkaPort,
                apiTimeout,
                PG.url(),
                PG.user(),
                PG.password(),
                httpPort,
                PG.qualified("events")));
    return config;
  }

  private static void awaitNotReadyForKafka(int httpPort) {
    Scrape probe = Scrape.withTimeout(httpPort, PROBE_TIMEOUT);
    await("/health/ready 503 kafka-unreachable")
        .atMost(Duration.ofSeconds(9))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              HttpResponse<String> r = probe.ready();
              return r.statusCode() == 503 && r.body().contains("\"kafka-unreachable\"");
            });
  }

  /** A loopback port nothing listens on (connections to it are refused). */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
