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
import java.util.Map;
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

  @Test
  void aClientPropertyKafkaWouldRefuseIsAConfigProblem(@TempDir Path dir) throws Exception {
    try (ServerSocket kafka = listen();
        ServerSocket postgres = listen()) {
      Path config = dir.resolve("bad.yaml");
      Files.writeString(
          config,
          """
          kafka:
            bootstrap-servers: 127.0.0.1:%d
            client-properties:
              max.poll.records: lots
          database:
            url: jdbc:postgresql://127.0.0.1:%d/app
            url: jdbc:postgresql://127.0.0.1:%d/other
          pipelines:
            - name: events
              topics: [events]
              table: public.events
              columns:
                event_id: /event_id
          """
              .formatted(kafka.getLocalPort(), postgres.getLocalPort(), postgres.getLocalPort()));

      String output = runExpectingExit2(dir, config);

      assertThat(output)
          .contains("(2 problems)")
          .contains("database.url is set 2 times (lines 6 and 7); keep one")
          .contains(
              "kafka.client-properties.max.poll.records is refused by the Kafka consumer, was"
                  + " 'lots': Not a number of type INT")
          .doesNotContain("Exception");
      assertNoConnection(kafka);
      assertNoConnection(postgres);
    }
  }

  @Test
  void badLoggingVariablesExit2BeforeAnything(@TempDir Path dir) throws Exception {
    try (ServerSocket postgres = listen()) {
      Path config = dir.resolve("db.yaml");
      Files.writeString(
          config,
          "database: {url: \"jdbc:postgresql://127.0.0.1:%d/app\"}\n"
              .formatted(postgres.getLocalPort()));

      String output =
          runExpectingExit2(
              dir,
              Map.of("FERRY_LOG_LEVEL", "verbose", "FERRY_LOG_FORMAT", "xml"),
              "migrate",
              "--config",
              config.toString());

      assertThat(output)
          .contains(
              "FERRY_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR or OFF, was"
                  + " 'verbose'")
          .contains("FERRY_LOG_FORMAT must be json or text, was 'xml'");
      assertNoConnection(postgres);
    }
  }

  @Test
  void migrateReportsABadDatabaseSectionWithExit2(@TempDir Path dir) throws Exception {
    try (ServerSocket postgres = listen()) {
      Path config = dir.resolve("db.yaml");
      Files.writeString(
          config,
          """
          database:
            url: jdbc:postgresql://127.0.0.1:%d/app
            pool-size: none
          """
              .formatted(postgres.getLocalPort()));

      String output = runExpectingExit2(dir, Map.of(), "migrate", "--config", config.toString());

      assertThat(output).contains("database.pool-size must be a whole number, was 'none' (line 3)");
      assertNoConnection(postgres);
    }
  }

  private static String runExpectingExit2(Path dir, Path config) throws Exception {
    return runExpectingExit2(dir, Map.of(), "run", "--config", config.toString());
  }

  private static String runExpectingExit2(Path dir, Map<String, String> env, String... args)
      throws Exception {
    try (FerryProcess ferry = FerryProcess.start(dir, env, args)) {
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
