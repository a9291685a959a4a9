package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.LogCapture;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20, acceptance 2: one topic routed by a header into three allowed tables; records routed to
 * a forbidden table (one that exists), to an allowed table that does not exist, and without the
 * header land on the DLT with their reasons; every other record lands exactly once.
 */
@Timeout(120)
class HeaderRoutingIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-header-routing";
  private static final int RECORDS = 120;

  /** The header each record carries, by {@code i % 6}; null for none. */
  private static final String[] KINDS = {"a", "B", "c", "x", null, "d"};

  @BeforeAll
  static void tables() {
    for (String t : List.of("ev_a", "ev_b", "ev_c", "ev_x")) {
      PG.execute(
          "CREATE TABLE "
              + t
              + " (id bigint PRIMARY KEY, user_id bigint, note text,"
              + " source text NOT NULL DEFAULT 'routed')");
    }
  }

  @Test
  void eachRecordLandsInItsAllowedTableOrOnTheDeadLetterTopicWithItsReason() throws Exception {
    String topic = KAFKA.uniqueTopic("routed");
    KAFKA.createTopic(topic, 3);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        String value =
            i % 4 == 0
                ? "{\"id\": " + i + ", \"userId\": " + (1000 + i) + "}" // note absent: NULL
                : "{\"id\": " + i + ", \"userId\": " + (1000 + i) + ", \"note\": \"n" + i + "\"}";
        ProducerRecord<byte[], byte[]> r =
            new ProducerRecord<>(topic, ("k" + i).getBytes(UTF_8), value.getBytes(UTF_8));
        String kind = KINDS[i % KINDS.length];
        if (kind != null) {
          r.headers().add("kind", kind.getBytes(UTF_8));
        }
        producer.send(r);
      }
    }
    String schema = PG.schema();
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(GROUP)
            .withoutEventsPipeline()
            .breaker("enabled", false)
            .worker("threads", 4)
            .morePipelines(
                """
                  - name: routed
                    topics: [%s]
                    table: "%s.ev_{header:kind}"
                    tables-allowed: "%s\\\\.ev_[a-d]"
                """
                    .formatted(topic, schema, schema));

    try (LogCapture logs = LogCapture.attach()) {
      RunningWorker.runUntilCaughtUp(
          yaml.load(), KAFKA.bootstrapServers(), GROUP, topic, Duration.ofSeconds(60));
      // Four lanes raced to each table's first record: each was still described once.
      for (String t : List.of("ev_a", "ev_b", "ev_c")) {
        assertThat(logs.linesContaining("table " + schema + "." + t + " of pipeline routed"))
            .as(t)
            .hasSize(1);
      }
    }

    for (int k = 0; k < 3; k++) {
      List<String> expected = new ArrayList<>();
      for (int i = k; i < RECORDS; i += KINDS.length) {
        expected.add(i + "|" + (1000 + i) + "|" + (i % 4 == 0 ? null : "n" + i) + "|routed");
      }
      String table = "ev_" + (char) ('a' + k);
      assertThat(rows(table)).as(table).isEqualTo(expected);
    }
    assertThat(rows("ev_x")).isEmpty();

    Map<Long, String> dead = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")) {
      assertThat(DeadLetters.header(r, DeadLetterHeaders.STAGE)).isEqualTo("transform");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.PIPELINE)).isEqualTo("routed");
      String id = new String(r.value(), UTF_8).replaceAll("^\\{\"id\": (\\d+),.*$", "$1");
      String previous =
          dead.put(
              Long.parseLong(id),
              DeadLetters.header(r, DeadLetterHeaders.REASON)
                  + ": "
                  + DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE));
      assertThat(previous).as("dead-lettered twice: " + id).isNull();
    }
    Map<Long, String> expected = new TreeMap<>();
    for (int i = 0; i < RECORDS; i++) {
      switch (i % KINDS.length) {
        case 3 ->
            expected.put(
                (long) i,
                "table-not-allowed: table template "
                    + schema
                    + ".ev_{header:kind} resolved to '"
                    + schema
                    + ".ev_x', which tables-allowed ("
                    + schema
                    + "\\.ev_[a-d]) does not allow");
        case 4 ->
            expected.put(
                (long) i,
                "route-missing: table template needs header 'kind', which the record lacks or has"
                    + " empty");
        case 5 ->
            expected.put(
                (long) i,
                "table-missing: table "
                    + schema
                    + ".ev_d does not exist (pipeline routed looks for it again after 10s)");
        default -> {}
      }
    }
    assertThat(dead).isEqualTo(expected);
  }

  private static List<String> rows(String table) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row :
        PG.queryRows("SELECT id, user_id, note, source FROM " + table + " ORDER BY id")) {
      out.add(
          row.get("id")
              + "|"
              + row.get("user_id")
              + "|"
              + row.get("note")
              + "|"
              + row.get("source"));
    }
    return out;
  }
}
