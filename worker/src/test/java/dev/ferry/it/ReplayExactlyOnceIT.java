package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.dlt.ReplayPlan;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Guarantee 9, exactly once per original record, replays included: a dead letter replayed before
 * its cause is fixed fails again and is dead-lettered a second time; after the fix, a replay by key
 * selects both dead letters and a replay under another name selects them again, and the original
 * record still lands once, in a table without a unique key.
 */
@Timeout(240)
class ReplayExactlyOnceIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration LANDING = Duration.ofSeconds(60);

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

  @Test
  void aRecordReplayedByKeyAfterARefailureAndUnderTwoNamesLandsOnce(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("once");
    String table = "once_" + Long.toHexString(System.nanoTime());
    // No unique key: a second apply would be a second row. The check is the cause "not fixed yet".
    PG.execute(
        "CREATE TABLE "
            + table
            + " (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
            + " amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb,"
            + " CONSTRAINT small_amounts CHECK (amount < 100))");
    KAFKA.createTopic(topic, 1);
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group(topic).table(table);
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 5; i++) {
        send(producer, topic, "good-" + i, event("good-" + i, "10.00"));
      }
      send(producer, topic, "bad", event("bad", "500.00"));
    }
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await()
          .atMost(LANDING)
          .until(() -> rows(table) == 5 && worker.counters().deadLettered() == 1);

      // 1. Replayed before the cause is fixed: it fails again, a second dead letter.
      Run early = ferry("dlt", "replay", "--config", config.toString(), "--name", topic + "-1");
      assertThat(early.exit()).as(early.err()).isZero();
      assertThat(early.out()).contains("replayed   1");
      await().atMost(LANDING).until(() -> worker.counters().deadLettered() == 2);
      List<ConsumerRecord<byte[], byte[]>> letters =
          DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
      assertThat(letters).hasSize(2);
      ConsumerRecord<byte[], byte[]> refailed = letters.get(1);
      assertThat(DeadLetters.header(refailed, DeadLetterHeaders.ORIGINAL_OFFSET))
          .as("where the replayed copy was")
          .isEqualTo("6");
      assertThat(DeadLetters.header(refailed, FirstOrigin.DLT_TOPIC)).isEqualTo(topic);
      assertThat(DeadLetters.header(refailed, FirstOrigin.DLT_PARTITION)).isEqualTo("0");
      assertThat(DeadLetters.header(refailed, FirstOrigin.DLT_OFFSET))
          .as("the first origin travels")
          .isEqualTo("5");

      // 2. The cause fixed, replayed by key: both dead letters are selected.
      PG.execute("ALTER TABLE " + table + " DROP CONSTRAINT small_amounts");
      Run byKey =
          ferry(
              "dlt",
              "replay",
              "--config",
              config.toString(),
              "--key",
              "bad",
              "--name",
              topic + "-2");
      assertThat(byKey.exit()).as(byKey.err()).isZero();
      assertThat(byKey.out())
          .contains("selected   2")
          .contains("replayed   1")
          .contains("1: " + ReplayPlan.SUPERSEDED);
      await().atMost(LANDING).until(() -> badRows(table) >= 1);

      // 3. Replayed again under a second name: reported as already applied, nothing sent.
      Run dry =
          ferry(
              "dlt", "replay", "--config", config.toString(), "--name", topic + "-3", "--dry-run");
      assertThat(dry.exit()).as(dry.err()).isZero();
      assertThat(dry.out().lines().filter(l -> l.contains("-> skip: already applied"))).hasSize(2);
      Run again = ferry("dlt", "replay", "--config", config.toString(), "--name", topic + "-3");
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(again.out())
          .contains("selected   2")
          .contains("replayed   0")
          .contains("2: " + ReplayPlan.ALREADY_APPLIED);

      // 4. The names: a completed one is not silently "resumed", another filter is refused.
      Run rerun = ferry("dlt", "replay", "--config", config.toString(), "--name", topic + "-3");
      assertThat(rerun.exit()).isEqualTo(2);
      assertThat(rerun.err())
          .contains("replay '" + topic + "-3' completed at ")
          .contains("add --continue");
      Run otherFilter =
          ferry(
              "dlt",
              "replay",
              "--config",
              config.toString(),
              "--name",
              topic + "-3",
              "--key",
              "bad",
              "--continue");
      assertThat(otherFilter.exit()).isEqualTo(2);
      assertThat(otherFilter.err()).contains("Use a new --name");
      Run continued =
          ferry(
              "dlt", "replay", "--config", config.toString(), "--name", topic + "-3", "--continue");
      assertThat(continued.exit()).as(continued.err()).isZero();
      assertThat(continued.out()).contains("continuing replay").contains("replayed   0");

      awaitInputDone(topic, 6 + 2);
      assertThat(badRows(table)).as("the original record, applied once").isEqualTo(1);

      // 5. Applied again only when the operator asks for it, and the audit says so.
      Run forced =
          ferry(
              "dlt", "replay", "--config", config.toString(), "--name", topic + "-4", "--reapply");
      assertThat(forced.exit()).as(forced.err()).isZero();
      assertThat(forced.out()).contains("reapplying applied records").contains("replayed   1");
      await().atMost(LANDING).until(() -> badRows(table) == 2);
      assertThat(
              PG.queryLong(
                  "SELECT count(*) FROM ferry.replay_audit WHERE reapply AND name = '"
                      + topic
                      + "-4'"))
          .isEqualTo(1);

      Run stats = ferry("dlt", "stats", "--config", config.toString());
      assertThat(stats.exit()).as(stats.err()).isZero();
      assertThat(stats.out())
          .contains("1 in " + topic + ".dlt: 1 already applied by a replay, 0 outstanding");

      awaitInputDone(topic, 6 + 3);
    }
    assertThat(badRows(table))
        .as("the original record, applied once, and once more on request")
        .isEqualTo(2);
    assertThat(rows(table)).isEqualTo(7);
  }

  @Test
  void theWorkerAppliesCopiesOfOneOriginalRecordOnceUnlessAskedToReapply(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("copies");
    String table = "copies_" + Long.toHexString(System.nanoTime());
    PG.execute(
        "CREATE TABLE "
            + table
            + " (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
            + " amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb)");
    KAFKA.createTopic(topic, 1);
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group(topic).table(table);
    // Copies of one original record as three replays would send them, then a forced one: in one
    // batch (sent before the worker starts) and the last in a later one.
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 3; i++) {
        producer.send(copy(topic, "r" + i, false)).get();
      }
    }
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await().atMost(LANDING).until(() -> GroupLag.of(KAFKA.bootstrapServers(), topic, topic) == 0);
      assertThat(badRows(table)).isEqualTo(1);
      try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
        producer.send(copy(topic, "r3", false)).get();
        producer.send(copy(topic, "r4", true)).get();
      }
      await().atMost(LANDING).until(() -> GroupLag.of(KAFKA.bootstrapServers(), topic, topic) == 0);
    }
    assertThat(badRows(table)).as("once, and once more on request").isEqualTo(2);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM ferry.replayed_origins WHERE group_id = '"
                    + topic
                    + "' AND origin_topic = 'elsewhere' AND origin_offset = 42"))
        .isEqualTo(1);
    assertThat(worker.counters().deadLettered()).isZero();
  }

  @Test
  void aReplayToAPipelineTheBreakerHaltedSaysThatItsRecordsWillWait(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("halted");
    String table = "halted_" + Long.toHexString(System.nanoTime());
    PG.execute(
        "CREATE TABLE "
            + table
            + " (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
            + " amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb,"
            + " CONSTRAINT small_amounts CHECK (amount < 100))");
    KAFKA.createTopic(topic, 1);
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(topic)
            .table(table)
            .breaker("max-consecutive", 1);
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      send(producer, topic, "bad", event("bad", "500.00"));
    }
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      // The halt as the replay tool sees it: the worker's row, written just after the halt.
      await()
          .atMost(LANDING)
          .until(
              () ->
                  worker.breaker().isHalted("events")
                      && PG.queryLong(
                              "SELECT count(*) FROM ferry.pipeline_halts WHERE group_id = '"
                                  + topic
                                  + "'")
                          == 1);

      Run dry = ferry("dlt", "replay", "--config", config.toString(), "--dry-run");

      assertThat(dry.exit()).as(dry.err()).isZero();
      assertThat(dry.out())
          .contains("warning: pipeline events is halted by the dead-letter breaker of worker ")
          .contains("max-consecutive 1")
          .contains("waits until an operator resumes it (POST /pipelines/events/resume");
    }
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM ferry.pipeline_halts WHERE group_id = '" + topic + "'"))
        .as("a stopped worker halts nothing")
        .isZero();
    Run after = ferry("dlt", "replay", "--config", config.toString(), "--dry-run");
    assertThat(after.out()).doesNotContain("warning: pipeline events is halted");
  }

  /**
   * Waits until the worker committed past every record of the input topic, which holds {@code
   * records}: 6 records and one copy per replay that sent one. (Replays are Kafka transactions:
   * their commit markers take offsets that no consumer commits past, so the lag is no measure.)
   */
  private static void awaitInputDone(String topic, int records) {
    List<ConsumerRecord<byte[], byte[]>> input =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic);
    assertThat(input).hasSize(records);
    long end = input.get(input.size() - 1).offset() + 1;
    await()
        .atMost(LANDING)
        .until(() -> GroupLag.committed(KAFKA.bootstrapServers(), topic, topic) >= end);
  }

  private static ProducerRecord<byte[], byte[]> copy(String topic, String name, boolean reapply) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(topic, "bad".getBytes(UTF_8), event("bad", "500.00").getBytes(UTF_8));
    r.headers()
        .add(FirstOrigin.REPLAY_TOPIC, "elsewhere".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_PARTITION, "0".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_OFFSET, "42".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_NAME, name.getBytes(UTF_8))
        .add(DeadLetterHeaders.REPLAY_COUNT, "1".getBytes(UTF_8));
    if (reapply) {
      r.headers().add(FirstOrigin.REPLAY_REAPPLY, "true".getBytes(UTF_8));
    }
    return r;
  }

  private static long rows(String table) {
    return PG.queryLong("SELECT count(*) FROM " + table);
  }

  private static long badRows(String table) {
    return PG.queryLong("SELECT count(*) FROM " + table + " WHERE event_id = '" + id("bad") + "'");
  }

  private static UUID id(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(UTF_8));
  }

  private static String event(String name, String amount) {
    return """
        {"event_id": "%s", "user_id": "%s", "type": "click", "amount": %s,
         "ts": "2026-11-25T10:00:00Z", "attrs": {}}"""
        .formatted(id(name), name, amount);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, key.getBytes(UTF_8), value.getBytes(UTF_8))).get();
  }
}
