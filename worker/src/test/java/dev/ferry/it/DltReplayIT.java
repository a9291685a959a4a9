package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.Main;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.DltRecords;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The dead-letter tools against a real broker and Postgres: the replay workflow after a fix, a dry
 * run that changes nothing, the replay cap, and clear answers for missing or empty DLTs.
 */
@Timeout(180)
class DltReplayIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void tables() {
    PG.execute(
        "CREATE TABLE replay_events (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT"
            + " NULL, amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb,"
            // An exclusion constraint (one row per user): its violation, SQLSTATE 23P01, is
            // dead-lettered with reason constraint-violation.
            + " CONSTRAINT one_per_user EXCLUDE USING btree (user_id WITH =))");
  }

  /** The CLI's exit code, standard output and standard error. */
  private record Run(int exit, String out, String err) {}

  private static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Path config(Path dir, String topic, String group) throws Exception {
    Path file = dir.resolve("ferry.yaml");
    Files.writeString(
        file,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .table("replay_events")
            .text());
    return file;
  }

  @Test
  void afterTheFixOnlyTheChosenReasonIsReplayedAndLandsOnce(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("fix");
    KAFKA.createTopic(topic, 3);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 200; i++) {
        send(producer, topic, event(i, "u" + i, "12.50"));
      }
      for (int i = 200; i < 210; i++) {
        send(producer, topic, event(i, "u" + (i - 200), "7.00")); // a second row for a user
      }
      for (int i = 0; i < 5; i++) {
        send(producer, topic, "not json " + i);
      }
    }
    Path config = config(dir, topic, "ferry-fix");
    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group("ferry-fix")
                .table("replay_events")
                .load());
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  PG.queryLong("SELECT count(*) FROM replay_events") == 200
                      && worker.counters().deadLettered() == 15);
      PG.execute("ALTER TABLE replay_events DROP CONSTRAINT one_per_user");

      Run replay =
          ferry(
              "dlt",
              "replay",
              "--config",
              config.toString(),
              "--reason",
              "constraint-violation",
              "--name",
              topic);

      assertThat(replay.exit()).as(replay.err()).isZero();
      assertThat(replay.out())
          .contains("replay " + topic + ": " + topic + ".dlt (15 records now)")
          .contains("selected   10")
          .contains("replayed   10")
          .contains("skipped    0");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> PG.queryLong("SELECT count(*) FROM replay_events") == 210);
      assertThat(PG.queryLong("SELECT count(DISTINCT event_id) FROM replay_events")).isEqualTo(210);
      assertThat(PG.queryLong("SELECT count(*) FROM replay_events WHERE amount = 7.00"))
          .isEqualTo(10);

      Run stats = ferry("dlt", "stats", "--config", config.toString());
      assertThat(stats.exit()).as(stats.err()).isZero();
      assertThat(stats.out())
          .contains("dead letters     15 in " + topic + ".dlt")
          .contains("reason           constraint-violation: 10, invalid-json: 5")
          .contains("stage            sink: 10, decode: 5")
          .contains("times replayed   never: 15")
          .contains(
              "original records 15 in "
                  + topic
                  + ".dlt: 10 already applied by a replay, 5 outstanding");

      Run list =
          ferry(
              "dlt",
              "list",
              "--config",
              config.toString(),
              "--reason",
              "invalid-json",
              "--format",
              "json");
      assertThat(list.exit()).as(list.err()).isZero();
      List<String> lines = list.out().lines().toList();
      assertThat(lines).hasSize(5);
      for (String line : lines) {
        JsonNode o = JSON.readTree(line);
        assertThat(o.get("reason").asText()).isEqualTo("invalid-json");
        assertThat(o.get("value").asText()).startsWith("not json ");
        assertThat(o.get("headers").get(DeadLetterHeaders.ORIGINAL_TOPIC).asText())
            .isEqualTo(topic);
      }
    }
    assertThat(worker.counters().deadLettered()).as("nothing failed again").isEqualTo(15);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt"))
        .as("the DLT itself is left as it was")
        .hasSize(15);
    List<ConsumerRecord<byte[], byte[]>> input =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic);
    assertThat(input).hasSize(225);
    List<ConsumerRecord<byte[], byte[]>> replayed =
        input.stream()
            .filter(r -> r.headers().lastHeader(DeadLetterHeaders.REPLAY_COUNT) != null)
            .toList();
    assertThat(replayed).hasSize(10);
    for (ConsumerRecord<byte[], byte[]> r : replayed) {
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("1");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REASON)).isNull();
      assertThat(new String(r.value(), UTF_8)).contains("\"amount\": 7.00");
    }
    assertThat(
            PG.queryRows(
                "SELECT outcome, selected, replayed, parked, filters FROM ferry.replay_audit"
                    + " WHERE name = '"
                    + topic
                    + "'"))
        .containsExactly(
            Map.of(
                "outcome", "completed",
                "selected", 10L,
                "replayed", 10L,
                "parked", 0L,
                "filters", "reason=constraint-violation"));
  }

  @Test
  void aDryRunShowsWhatWouldBeReplayedAndChangesNothing(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("dry");
    KAFKA.createTopic(topic, 1);
    KAFKA.createTopic(topic + ".dlt", 1);
    try (DltRecords dlt = new DltRecords(KAFKA.bootstrapServers())) {
      for (int i = 0; i < 5; i++) {
        dlt.send(topic + ".dlt", topic, i, "check-violation", 0, "{\"n\":" + i + "}");
      }
    }
    long audits = PG.queryLong("SELECT count(*) FROM ferry.replay_audit");

    Run run =
        ferry("dlt", "replay", "--config", config(dir, topic, "g-dry").toString(), "--dry-run");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("(dry run: nothing is written)")
        .contains("replayed   5 (would be)");
    assertThat(run.out().lines().filter(l -> l.endsWith("-> would replay to " + topic))).hasSize(5);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic)).isEmpty();
    assertThat(PG.queryLong("SELECT count(*) FROM ferry.replay_audit")).isEqualTo(audits);
  }

  @Test
  void aRecordOverTheReplayCapIsParked(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("cap");
    String out = topic + "-out";
    KAFKA.createTopic(topic, 1);
    KAFKA.createTopic(topic + ".dlt", 1);
    KAFKA.createTopic(out, 1);
    try (DltRecords dlt = new DltRecords(KAFKA.bootstrapServers())) {
      dlt.send(topic + ".dlt", topic, 0, "check-violation", 0, "{\"n\":0}");
      dlt.send(topic + ".dlt", topic, 1, "check-violation", 3, "{\"n\":1}");
      dlt.send(topic + ".dlt", topic, 2, "check-violation", 2, "{\"n\":2}");
    }

    Run run =
        ferry(
            "dlt",
            "replay",
            "--config",
            config(dir, topic, "g-cap").toString(),
            "--target",
            out,
            "--max-replays",
            "3");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("replayed   2").contains("parked     1");
    List<ConsumerRecord<byte[], byte[]>> replayed =
        DeadLetters.readAll(KAFKA.bootstrapServers(), out, true);
    assertThat(replayed)
        .extracting(r -> DeadLetters.header(r, DeadLetterHeaders.REPLAY_COUNT))
        .containsExactly("1", "3");
    assertThat(replayed)
        .extracting(r -> DeadLetters.header(r, "traceparent"))
        .containsOnly("00-abc-01");
    List<ConsumerRecord<byte[], byte[]>> parked =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt.parked", true);
    assertThat(parked).hasSize(1);
    assertThat(new String(parked.get(0).value(), UTF_8)).isEqualTo("{\"n\":1}");
    assertThat(DeadLetters.header(parked.get(0), DeadLetterHeaders.REASON))
        .isEqualTo("check-violation");
  }

  @Test
  void missingAndEmptyTopicsAndBadFiltersGetClearAnswers(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("empty");
    KAFKA.createTopic(topic + ".dlt", 2);
    String config = config(dir, topic, "g-empty").toString();

    Run missing = ferry("dlt", "list", "--config", config, "--topic", "nope.dlt");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("ferry: topic nope.dlt does not exist");

    Run missingStats = ferry("dlt", "stats", "--config", config, "--topic", "nope.dlt");
    assertThat(missingStats.exit()).isEqualTo(1);
    assertThat(missingStats.err()).doesNotContain("Exception").doesNotContain("\tat ");

    Run empty = ferry("dlt", "stats", "--config", config);
    assertThat(empty.exit()).as(empty.err()).isZero();
    assertThat(empty.out().strip()).isEqualTo(topic + ".dlt: empty, no dead letters");

    Run emptyList = ferry("dlt", "list", "--config", config);
    assertThat(emptyList.exit()).isZero();
    assertThat(emptyList.out().strip()).isEqualTo(topic + ".dlt: empty, no dead letters");

    Run badTime = ferry("dlt", "list", "--config", config, "--since", "yesterday");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err()).contains("--since 'yesterday' is not a time");
  }

  private static String event(int i, String user, String amount) {
    return """
        {"event_id": "%s", "user_id": "%s", "type": "click", "amount": %s,
         "ts": "2026-11-25T10:00:00Z", "attrs": {}}"""
        .formatted(UUID.nameUUIDFromBytes(("e" + i).getBytes(UTF_8)), user, amount);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, "k".getBytes(UTF_8), value.getBytes(UTF_8))).get();
  }
}
