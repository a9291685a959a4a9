package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.Progress;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database password, given through the environment and in the JDBC URL, appears nowhere in the
 * logs (at DEBUG, as JSON), in {@code /metrics} or in a dead-letter record.
 */
@Timeout(120)
class SecretsNeverLeakIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String SECRET = "s3cret-Pa55word-7f3a";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void thePasswordIsInNoLogMetricOrDeadLetter(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("secrets");
    KAFKA.createTopic(topic, 2);
    var sent =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(500)
            .badFraction(0.1)
            .seed(13)
            .build()
            .run();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-secrets")
            .password("${FERRY_DB_PASSWORD}")
            .urlParameters("password=" + SECRET)
            .httpPort(port)
            .text());
    String metrics;
    try (FerryProcess ferry =
        FerryProcess.start(
            dir,
            Map.of(
                "FERRY_DB_PASSWORD",
                SECRET,
                "FERRY_LOG_LEVEL",
                "DEBUG",
                "FERRY_LOG_FORMAT",
                "json"),
            "run",
            "--config",
            config.toString())) {
      new Progress(PG, "events")
          .awaitRows(sent.good().size(), Duration.ofSeconds(60), "rows", () -> !ferry.isAlive());
      metrics = new Scrape(port).metrics().body();
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(ferry.output()).contains("\"level\":\"DEBUG\"").doesNotContain(SECRET);
      assertThat(ferry.output()).contains("password=****");
    }
    assertThat(metrics).contains("ferry_records_applied_total").doesNotContain(SECRET);
    var dead = DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).hasSize(sent.bad());
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(text(r.key()) + text(r.value())).doesNotContain(SECRET);
      for (Header h : r.headers()) {
        assertThat(text(h.value())).as(h.key()).doesNotContain(SECRET);
      }
    }
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, UTF_8);
  }
}
