package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.support.FerryProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad config is reported in full and stops {@code ferry run} with exit code 2 before any
 * connection. Kafka and Postgres are stood in for by listening sockets: a client that tried to
 * connect would leave a completed connection in the socket's backlog, which the test then finds.
 */
@Timeout(60)
class BadConfigProcessIT {
  @Test
  void everyProblemIsListedAndNothingIsContacted(@TempDir Path dir) throws Exception {
    try (ServerSocket kafka = listen();
        ServerSocket postgres = listen()) {
      Path config = dir.resolve("bad.yaml");
      Files.writeString(
          config,
          """
          kafka:
            bootstrap-servers: 127.0.0.1:%d
          database:
            url: jdbc:postgresql://127.0.0.1:%d/app
          worker:
            threads: 0
            drain-timeout: forever
          pipelines:
            - name: events
              topics: [events]
              table: public.events
              columns:
                event_id: event_id
          """
              .formatted(kafka.getLocalPort(), postgres.getLocalPort()));

      String output = runExpectingExit2(dir, config);

      assertThat(output)
          .contains("invalid configuration in " + config + " (3 problems)")
          .contains("worker.threads must be between 1 and 1024, was 0")
          .contains("worker.drain-timeout must be a duration such as 250ms, 30s, 5m or 1h")
          .contains("pipelines[0].columns.event_id 'event_id' is not a valid JSON Pointer");
      assertNoConnection(kafka);
      assertNoConnection(postgres);
    }
  }

  @Test
  void missingBootstrapServersIsReportedWithTheOtherProblems(@TempDir Path dir) throws Exception {
    try (ServerSocket postgres = listen()) {
      Path config = dir.resolve("bad.yaml");
      Files.writeString(
          config,
          """
          kafka:
            group-id: g
          database:
            url: jdbc:postgresql://127.0.0.1:%d/app
          worker:
            threads: 0
          pipelines:
            - name: events
              topics: [events]
              table: public.events
              columns:
                event_id: /event_id~2
          """
              .formatted(postgres.getLocalPort()));

      String output = runExpectingExit2(dir, config);

      assertThat(output)
          .contains("(3 problems)")
          .contains("kafka.bootstrap-servers is required")
          .contains("worker.threads must be between 1 and 1024, was 0")
          .contains("pipelines[0].columns.event_id '/event_id~2' is not a valid JSON Pointer");
      assertNoConnection(postgres);
    }
  }

  private static String runExpectingExit2(Path dir, Path config) throws Exception {
    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      int exit = ferry.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("exit code; output:\n%s", ferry.output()).isEqualTo(2);
      return ferry.output();
    }
  }

  private static ServerSocket listen() throws IOException {
    return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  private static void assertNoConnection(ServerSocket socket) throws IOException {
    socket.setSoTimeout(300);
    assertThatThrownBy(() -> socket.accept().close())
        .as("a connection to port %d was attempted", socket.getLocalPort())
        .isInstanceOf(SocketTimeoutException.class);
  }
}
