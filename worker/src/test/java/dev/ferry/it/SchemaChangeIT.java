package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.LogCapture;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * The operator guide's "fix the table, then replay" against a running worker: after {@code ALTER
 * TABLE … ALTER COLUMN … TYPE} the worker writes with the new column types without a restart,
 * whether it notices the change through a value the old type refused, through the server refusing
 * its old statement, or on its timer.
 */
@Timeout(180)
class SchemaChangeIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @BeforeAll
  static void tables() {
    PG.execute("CREATE TABLE replayed (id text NOT NULL, qty integer)");
    PG.execute("CREATE TABLE widened (id text NOT NULL, code varchar(5))");
    PG.execute("CREATE TABLE narrowed (id text NOT NULL, qty text)");
    PG.execute("CREATE TABLE timed (id text NOT NULL, qty integer)");
  }

  @Test
  void aDeadLetterRefusedForItsTypeIsAppliedByAReplayAfterAlterType(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("replayed");
    KAFKA.createTopic(topic, 1);
    FerryYaml yaml = yaml(topic, "replayed", "qty");
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      produce(topic, "{\"id\":\"good\",\"qty\":1}", "{\"id\":\"bad\",\"qty\":\"twelve\"}");
      await()
          .atMost(DEADLINE)
          .until(
              () ->
                  PG.queryLong("SELECT count(*) FROM replayed") == 1
                      && worker.counters().deadLettered() == 1);
      ConsumerRecord<byte[], byte[]> dead =
          DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt").get(0);
      assertThat(DeadLetters.header(dead, DeadLetterHeaders.REASON)).isEqualTo("coercion-failed");
      assertThat(DeadLetters.header(dead, DeadLetterHeaders.EXCEPTION_MESSAGE))
          .startsWith("column \"qty\" (integer): ");

      PG.execute("ALTER TABLE replayed ALTER COLUMN qty TYPE text");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int exit = cli.execute("dlt", "replay", "--config", config.toString(), "--name", topic);
      assertThat(exit).as(err.toString()).isZero();
      assertThat(out.toString()).contains("replayed   1");

      await()
          .atMost(DEADLINE)
          .until(() -> PG.queryLong("SELECT count(*) FROM replayed WHERE qty = 'twelve'") == 1);
      assertThat(refreshes(worker, "coercion-failure", "changed")).isEqualTo(1);
    }
    assertThat(worker.counters().deadLettered())
        .as("the replayed record did not fail again")
        .isOne();
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).hasSize(1);
    assertThat(PG.queryLong("SELECT count(*) FROM replayed")).isEqualTo(2);
  }

  @Test
  void aRecordOfTheFixedShapeProducedAfterAlterTypeLands() throws Exception {
    String topic = KAFKA.uniqueTopic("widened");
    KAFKA.createTopic(topic, 1);
    RunningWorker worker = RunningWorker.start(yaml(topic, "widened", "code").load());
    try (worker;
        LogCapture logs = LogCapture.attach()) {
      produce(topic, "{\"id\":\"a\",\"code\":\"too-long\"}");
      await().atMost(DEADLINE).until(() -> worker.counters().deadLettered() == 1);

      PG.execute("ALTER TABLE widened ALTER COLUMN code TYPE varchar(20)");
      produce(topic, "{\"id\":\"b\",\"code\":\"long-enough\"}");

      await()
          .atMost(DEADLINE)
          .until(() -> PG.queryLong("SELECT count(*) FROM widened WHERE id = 'b'") == 1);
      assertThat(worker.counters().deadLettered()).isOne();
      assertThat(logs.linesContaining("changed: column \"code\""))
          .singleElement()
          .asString()
          .contains("character varying(5) → character varying(20)")
          .contains("coercion-failure");
    }
  }

  @Test
  void aStatementTheServerRefusesAfterAlterTypeIsWrittenAgainWithTheNewTypes() throws Exception {
    String topic = KAFKA.uniqueTopic("narrowed");
    KAFKA.createTopic(topic, 1);
    RunningWorker worker = RunningWorker.start(yaml(topic, "narrowed", "qty").load());
    try (worker) {
      produce(topic, "{\"id\":\"a\",\"qty\":\"1\"}");
      await().atMost(DEADLINE).until(() -> PG.queryLong("SELECT count(*) FROM narrowed") == 1);

      // The old statement casts to text, which an integer column does not take (42804).
      PG.execute("ALTER TABLE narrowed ALTER COLUMN qty TYPE integer USING qty::integer");
      produce(topic, "{\"id\":\"b\",\"qty\":2}");

      await()
          .atMost(DEADLINE)
          .until(() -> PG.queryLong("SELECT count(*) FROM narrowed WHERE qty = 2") == 1);
      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(refreshes(worker, "sink-error", "changed")).isEqualTo(1);
    }
  }

  @Test
  void theTimerNoticesAnAlterTypeBeforeAnyRecordFails() throws Exception {
    String topic = KAFKA.uniqueTopic("timed");
    KAFKA.createTopic(topic, 1);
    RunningWorker worker =
        RunningWorker.start(
            yaml(topic, "timed", "qty").database("metadata-refresh-interval", "1s").load());
    try (worker) {
      PG.execute("ALTER TABLE timed ALTER COLUMN qty TYPE text");
      await().atMost(DEADLINE).until(() -> refreshes(worker, "timer", "changed") == 1);

      produce(topic, "{\"id\":\"a\",\"qty\":\"several\"}");

      await()
          .atMost(DEADLINE)
          .until(() -> PG.queryLong("SELECT count(*) FROM timed WHERE qty = 'several'") == 1);
      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(refreshes(worker, "coercion-failure", "changed")).isZero();
    }
  }

  /** The events pipeline of {@code topic}, reduced to an {@code id} and one more column. */
  private static FerryYaml yaml(String topic, String table, String column) {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("id", "/id");
    columns.put(column, "/" + column);
    return FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
        .group("g-" + topic)
        .table(table)
        .columns(columns);
  }

  private static double refreshes(RunningWorker worker, String trigger, String outcome)
      throws Exception {
    return worker
        .scrape()
        .sum(
            "ferry_table_metadata_refreshes_total{outcome=\""
                + outcome
                + "\",trigger=\""
                + trigger
                + "\"}");
  }

  private static void produce(String topic, String... values) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (String value : values) {
        producer
            .send(new ProducerRecord<>(topic, "k".getBytes(UTF_8), value.getBytes(UTF_8)))
            .get();
      }
    }
  }
}
