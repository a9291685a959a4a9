package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ConfigLoader;
import dev.ferry.lifecycle.State;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.kafka.ScramCredentials;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.load.LoadResult;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker logs in to a broker listener that requires SASL/SCRAM with nothing but {@code
 * kafka.client-properties}, its password taken from the environment; with a wrong one, {@code ferry
 * check} and {@code ferry run} stop at once with exit code 1 and a one-line reason, and neither
 * password shows in their output.
 */
@Timeout(180)
class SaslScramIT {
  private static final Logger LOG = LoggerFactory.getLogger(SaslScramIT.class);
  private static final String PASSWORD = "scram-Pa55-c0rrect-41d2";
  private static final String WRONG_PASSWORD = "scram-Pa55-wr0ng-93be";
  private static final Map<String, String> WRONG_PASSWORD_ENV =
      Map.of("FERRY_KAFKA_PASSWORD", WRONG_PASSWORD);

  /**
   * A generous bound for "fails fast": a JVM start and one Postgres and one Kafka round trip take a
   * few seconds. That the refusal, not a client timeout, ended the command shows in its message.
   */
  private static final Duration FAST = Duration.ofSeconds(60);

  @RegisterExtension
  static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withScram("ferry", PASSWORD);

  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aWorkerLoggedInWithScramLandsTheTopicInPostgres() throws Exception {
    String topic = KAFKA.uniqueTopic("scram");
    KAFKA.createTopic(topic, 3);
    LoadGenerator.Builder load =
        LoadGenerator.builder(KAFKA.saslBootstrapServers()).topic(topic).count(300).seed(7);
    KAFKA.scramCredentials().clientProperties().forEach(load::producerProperty);
    LoadResult sent = load.build().run();

    String yaml = config(topic, passwordFromEnvironment()).text();
    RunningWorker worker =
        RunningWorker.start(
            ConfigLoader.withEnvironment(Map.of("FERRY_KAFKA_PASSWORD", PASSWORD))
                .parse(yaml, "test config"));
    try (worker) {
      new Progress(PG, "events")
          .awaitRows(
              sent.good().size(),
              Duration.ofSeconds(90),
              "rows",
              () -> worker.state() == State.FAILED);
    }

    assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(sent.good().size());
    assertThat(worker.counters().applied()).isEqualTo(sent.good().size());
  }

  @Test
  void checkWithAWrongPasswordExitsOneAndSaysTheLoginFailed(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("scram-check");
    KAFKA.createTopic(topic, 1);
    Path config = write(dir, config(topic, passwordFromEnvironment()));

    long started = System.nanoTime();
    try (FerryProcess ferry =
        FerryProcess.start(dir, WRONG_PASSWORD_ENV, "check", "--config", config.toString())) {
      int exit = ferry.awaitExit(FAST);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      String output = ferry.output();
      LOG.info("ferry check with a wrong password exited {} after {}", exit, took);

      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(1);
      assertThat(output)
          .contains("postgres   ok")
          .contains("kafka      AUTHENTICATION FAILED: " + refusal())
          .contains("result     1 problem(s):\n  - " + refusal())
          .doesNotContain("UNREACHABLE")
          .doesNotContain(WRONG_PASSWORD)
          .doesNotContain(PASSWORD);
    }
  }

  @Test
  void runWithAWrongPasswordExitsOneFastWithOneLine(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("scram-run");
    KAFKA.createTopic(topic, 1);
    Path config = write(dir, config(topic, passwordFromEnvironment()));

    long started = System.nanoTime();
    try (FerryProcess ferry =
        FerryProcess.start(
            dir,
            Map.of("FERRY_LOG_FORMAT", "text", "FERRY_KAFKA_PASSWORD", WRONG_PASSWORD),
            "run",
            "--config",
            config.toString())) {
      int exit = ferry.awaitExit(FAST);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      String output = ferry.output();
      LOG.info("ferry run with a wrong password exited {} after {}", exit, took);

      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(1);
      assertThat(output)
          .contains("ferry: cannot start: " + refusal())
          .doesNotContain("\tat ") // no stack trace
          .doesNotContain("UNREACHABLE")
          .doesNotContain(WRONG_PASSWORD)
          .doesNotContain(PASSWORD);
      // Ferry's own lines: the start, the HTTP endpoint, the reason logged; and the wait for
      // Kafka when its first attempt ran out before the refusal came back.
      assertThat(output.lines().filter(line -> line.contains(" d.f.")))
          .as(output)
          .hasSizeBetween(3, 4)
          .filteredOn(line -> line.contains("ERROR [main] d.f.app.RunCommand - cannot start: "))
          .hasSize(1);
      assertThat(output.lines().filter(line -> line.startsWith("ferry: "))).as(output).hasSize(1);
      // The rest is the Kafka client's own lines about the refusal, three per attempt: its admin
      // client may try again (backing off 0.5 s) before Ferry has been told, more under load.
      assertThat(
              output.lines().filter(line -> !line.contains(" d.f.") && !line.startsWith("ferry: ")))
          .as(output)
          .hasSizeBetween(3, 9)
          .allMatch(
              line ->
                  line.contains(" o.a.k.c.")
                      || line.startsWith(
                          "org.apache.kafka.common.errors.SaslAuthenticationException"));
    }
  }

  /** What both commands say when the broker refuses the password. */
  private static String refusal() {
    return "Kafka at "
        + KAFKA.saslBootstrapServers()
        + " refused the client's credentials: Authentication failed during authentication due to"
        + " invalid credentials with SASL mechanism SCRAM-SHA-256; check security.protocol, sasl.*"
        + " and ssl.* in kafka.client-properties";
  }

  /**
   * The user's JAAS line with {@code password="${FERRY_KAFKA_PASSWORD}"}, as operators write it.
   */
  private static ScramCredentials passwordFromEnvironment() {
    return KAFKA.scramCredentials().withPassword("${FERRY_KAFKA_PASSWORD}");
  }

  private static FerryYaml config(String topic, ScramCredentials login) {
    FerryYaml yaml =
        FerryYaml.events(KAFKA.saslBootstrapServers(), PG, topic).group("ferry-" + topic);
    login.clientProperties().forEach(yaml::clientProperty);
    return yaml;
  }

  private static Path write(Path dir, FerryYaml yaml) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    return config;
  }
}
