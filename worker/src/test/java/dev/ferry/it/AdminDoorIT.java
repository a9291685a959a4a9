package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.health.AdminDoor;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Acceptance 5 of issue 21: a worker started with {@code http.admin-token-file} refuses an admin
 * call without the token (401, a log line, a counted refusal) and serves it with the token as
 * before, while {@code /metrics} and {@code /health/*} stay open.
 */
@Timeout(60)
class AdminDoorIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String TOKEN = "it-admin-token-7f3c9a1e5b2d4086";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void adminCallsNeedTheTokenWhileMetricsAndHealthStayOpen(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("admin-door");
    KAFKA.createTopic(topic, 1);
    Path tokenFile = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
    String yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-admin-door")
            .text()
            .replace(
                "  bind-address: 127.0.0.1\n",
                "  bind-address: 127.0.0.1\n  admin-token-file: \"" + tokenFile + "\"\n");
    FerryConfig config = ConfigLoader.withEnvironment(Map.of()).parse(yaml, "admin door config");
    assertThat(config.http().adminToken()).isPresent();

    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger doorLog = (Logger) LoggerFactory.getLogger(AdminDoor.class);
    logs.start();
    doorLog.addAppender(logs);
    try (RunningWorker worker = RunningWorker.start(config)) {
      int port = worker.httpPort();
      Scrape scrape = new Scrape(port);
      await("ready")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> scrape.ready().statusCode() == 200);
      assertThat(scrape.live().statusCode()).isEqualTo(200);

      HttpResponse<String> refused = post(port, "/pipelines/events/resume", null);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .contains("Bearer realm=\"ferry-admin\"");
      assertThat(post(port, "/pipelines/events/resume", "Bearer not-" + TOKEN).statusCode())
          .isEqualTo(401);
      HttpResponse<String> notHalted = post(port, "/pipelines/events/resume", "Bearer " + TOKEN);
      assertThat(notHalted.statusCode()).isEqualTo(409);
      assertThat(notHalted.body())
          .isEqualTo("{\"pipeline\":\"events\",\"error\":\"not halted or paused\"}");
      assertThat(post(port, "/pipelines/nope/resume", "Bearer " + TOKEN).statusCode())
          .isEqualTo(404);

      String metrics = scrape.metrics().body();
      assertThat(Scrape.sum(metrics, "ferry_admin_requests_total{outcome=\"unauthorized\"}"))
          .isEqualTo(2.0);
      assertThat(Scrape.sum(metrics, "ferry_admin_requests_total{outcome=\"allowed\"}"))
          .isEqualTo(2.0);
      assertThat(Scrape.sum(metrics, "ferry_admin_requests_total{outcome=\"forbidden\"}"))
          .isEqualTo(0.0);
    } finally {
      doorLog.detachAppender(logs);
    }
    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).hasSize(4).noneMatch(line -> line.contains(TOKEN));
    assertThat(lines.get(0))
        .matches(
            "admin call refused \\(401, no token\\): POST /pipelines/events/resume by"
                + " /127\\.0\\.0\\.1:\\d+ \\(none\\)");
    assertThat(lines.get(1))
        .startsWith("admin call refused (401, wrong token)")
        .endsWith("(token)");
    assertThat(lines.get(2))
        .matches(
            "admin call allowed: POST /pipelines/events/resume by /127\\.0\\.0\\.1:\\d+"
                + " \\(token\\) -> 409");
    assertThat(lines.get(3)).endsWith("(token) -> 404");
  }

  @Test
  void withoutATokenAWorkerOnEveryInterfaceRefusesAdminCalls403() throws Exception {
    String topic = KAFKA.uniqueTopic("admin-door-shut");
    KAFKA.createTopic(topic, 1);
    String yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-admin-door-shut")
            .text()
            .replace("  bind-address: 127.0.0.1\n", "  bind-address: 0.0.0.0\n");
    FerryConfig config = ConfigLoader.withEnvironment(Map.of()).parse(yaml, "default door config");
    assertThat(config.http().adminToken()).isEmpty();

    try (RunningWorker worker = RunningWorker.start(config)) {
      int port = worker.httpPort();
      Scrape scrape = new Scrape(port);
      await("ready")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> scrape.ready().statusCode() == 200);

      // From loopback too: the listener decides, not the caller's address.
      HttpResponse<String> refused = post(port, "/pipelines/events/resume", null);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("http.admin-token-file");
      assertThat(
              Scrape.sum(
                  scrape.metrics().body(), "ferry_admin_requests_total{outcome=\"forbidden\"}"))
          .isEqualTo(1.0);
    }
  }

  private static HttpResponse<String> post(int port, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
