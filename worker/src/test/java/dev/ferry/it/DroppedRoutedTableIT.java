package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.LogCapture;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A routed table dropped while Ferry runs. Records go to two tables ({@code …_a}, {@code …_b}) by a
 * header; after the first records landed, the test drops table {@code a} and more records come.
 * Under {@code auto-create} (a JSON Schema declares the table) Ferry creates it again and every
 * record after the drop lands there exactly once, none dead-lettered; without it, the records to
 * the dropped table are dead-lettered as {@code table-missing} with headers that say so. The other
 * table is untouched either way.
 */
@Timeout(120)
class DroppedRoutedTableIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int PER_PHASE = 20;

  @TempDir Path dir;

  @Test
  void underAutoCreateTheDroppedTableIsCreatedAgainAndEveryLaterRecordLandsOnce() throws Exception {
    Path schemaFile = dir.resolve("event.json");
    Files.writeString(
        schemaFile,
        """
        {"type": "object", "required": ["id"],
         "properties": {"id": {"type": "integer"}, "note": {"type": "string"}}}
        """);
    String topic = KAFKA.uniqueTopic("dropped-auto");
    String group = "ferry-dropped-auto";
    String schema = PG.schema();
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .withoutEventsPipeline()
            .worker("threads", 2)
            .morePipelines(
                """
                  - name: routed
                    topics: [%s]
                    schema: "%s"
                    table: "%s.auto_{header:kind}"
                    tables-allowed: "%s\\\\.auto_[ab]"
                    key-columns: [id]
                    auto-create: true
                """
                    .formatted(topic, schemaFile, schema, schema));
    KAFKA.createTopic(topic, 2);

    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker;
        LogCapture logs = LogCapture.attach()) {
      produce(topic, 0);
      awaitApplied(group, topic);
      assertThat(ids("auto_a")).isEqualTo(expected(0, 0));
      PG.execute("DROP TABLE auto_a");

      produce(topic, PER_PHASE);
      awaitApplied(group, topic);

      // Created on first use and again after the drop, once each however many lanes race on it.
      assertThat(logs.linesContaining("CREATE TABLE IF NOT EXISTS \"" + schema + "\".\"auto_a\""))
          .hasSize(2);
      // Described once on first use and once more after it was created again, however many lanes.
      assertThat(logs.linesContaining("table " + schema + ".auto_a of pipeline routed described"))
          .extracting(line -> line.substring(line.indexOf(" described ") + 11))
          .containsExactly("on first use", "again after it was dropped");
      assertThat(logs.linesContaining("table " + schema + ".auto_a of pipeline routed was dropped"))
          .singleElement()
          .asString()
          .startsWith("WARN");
      // Found by the write that failed on it (the timer is minutes away): its records routed again.
      assertThat(logs.linesContaining("were dropped while the batch was written")).isNotEmpty();
    }

    // The records before the drop went with the table; every one after it is there, once.
    assertThat(ids("auto_a")).isEqualTo(expected(PER_PHASE, 0));
    List<String> b = new ArrayList<>(expected(0, 1));
    b.addAll(expected(PER_PHASE, 1));
    assertThat(ids("auto_b")).isEqualTo(b);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).isEmpty();
  }

  @Test
  void withoutAutoCreateTheLaterRecordsOfTheDroppedTableAreDeadLetteredAsTableMissing()
      throws Exception {
    for (String t : List.of("kept_a", "kept_b")) {
      PG.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, note text)");
    }
    String topic = KAFKA.uniqueTopic("dropped-fixed");
    String group = "ferry-dropped-fixed";
    String schema = PG.schema();
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .withoutEventsPipeline()
            .breaker("enabled", false)
            .worker("threads", 2)
            .morePipelines(
                """
                  - name: routed
                    topics: [%s]
                    table: "%s.kept_{header:kind}"
                    tables-allowed: "%s\\\\.kept_[ab]"
                """
                    .formatted(topic, schema, schema));
    KAFKA.createTopic(topic, 2);

    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      produce(topic, 0);
      awaitApplied(group, topic);
      PG.execute("DROP TABLE kept_a");

      produce(topic, PER_PHASE);
      awaitApplied(group, topic);
    }

    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                    + schema
                    + "'"
                    + " AND tablename = 'kept_a'"))
        .isZero();
    List<String> b = new ArrayList<>(expected(0, 1));
    b.addAll(expected(PER_PHASE, 1));
    assertThat(ids("kept_b")).isEqualTo(b);

    List<String> dead = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")) {
      dead.add(
          new String(r.value(), UTF_8)
              + " "
              + DeadLetters.header(r, DeadLetterHeaders.PIPELINE)
              + " "
              + DeadLetters.header(r, DeadLetterHeaders.REASON)
              + " "
              + DeadLetters.header(r, DeadLetterHeaders.STAGE)
              + " "
              + DeadLetters.header(r, DeadLetterHeaders.ATTEMPTS)
              + ": "
              + DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE));
    }
    List<String> expectedDead = new ArrayList<>();
    for (int i = PER_PHASE; i < 2 * PER_PHASE; i += 2) {
      expectedDead.add(
          value(i)
              + " routed table-missing transform 1: table "
              + schema
              + ".kept_a does not exist: it was dropped after pipeline routed had written to it"
              + " (pipeline routed looks for it again after 10s)");
    }
    assertThat(dead).containsExactlyInAnyOrderElementsOf(expectedDead);
  }

  /** Records {@code from} .. {@code from + PER_PHASE - 1}; even ids to table a, odd to b. */
  private static void produce(String topic, int from) {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = from; i < from + PER_PHASE; i++) {
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(topic, ("k" + i).getBytes(UTF_8), value(i).getBytes(UTF_8));
        r.headers().add("kind", (i % 2 == 0 ? "a" : "b").getBytes(UTF_8));
        producer.send(r);
      }
    }
  }

  private static String value(int i) {
    return "{\"id\": " + i + ", \"note\": \"n" + i + "\"}";
  }

  /** The rows one phase puts into table a ({@code parity} 0) or b (1), as {@link #ids} reads. */
  private static List<String> expected(int from, int parity) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < from + PER_PHASE; i++) {
      if (i % 2 == parity) {
        out.add(i + "|n" + i);
      }
    }
    return out;
  }

  private static void awaitApplied(String group, String topic) {
    await("group " + group + " caught up on " + topic)
        .atMost(Duration.ofSeconds(60))
        .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, topic) == 0);
  }

  private static List<String> ids(String table) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row : PG.queryRows("SELECT id, note FROM " + table + " ORDER BY id")) {
      out.add(row.get("id") + "|" + row.get("note"));
    }
    return out;
  }
}
