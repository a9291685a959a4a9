package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.Event;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.load.LoadResult;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The walking skeleton end to end: a real broker, a real Postgres, the worker in this JVM. */
@Timeout(180)
class KafkaToPostgresIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void tables() throws Exception {
    PG.executeSchemaFile("events.sql");
    PG.execute("CREATE TABLE events_bad_input (LIKE events)");
  }

  @Test
  void tenThousandRecordsLandAsRowsEqualToTheProducedJson() throws Exception {
    String topic = KAFKA.uniqueTopic("events");
    KAFKA.createTopic(topic, 6);
    LoadResult sent =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(10_000)
            .seed(2)
            .build()
            .run();
    assertThat(sent.good()).hasSize(10_000);

    RunningWorker worker =
        RunningWorker.start(FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).load());
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> PG.queryLong("SELECT count(*) FROM events") >= 10_000);
    }

    assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(10_000);
    Map<String, Map<String, Object>> rows = rowsByEventId("events");
    for (Event e : sent.good()) {
      Map<String, Object> row = rows.get(e.eventId().toString());
      assertThat(row).as("row of %s", e.eventId()).isNotNull();
      assertThat(row.get("user_id")).isEqualTo(e.userId());
      assertThat(row.get("type")).isEqualTo(e.type());
      assertThat((BigDecimal) row.get("amount")).isEqualByComparingTo(e.amount());
      assertThat(row.get("ts")).isEqualTo(e.ts());
      assertThat(JSON.readTree((String) row.get("attrs")))
          .isEqualTo(JSON.readTree(JSON.writeValueAsString(e.attrs())));
    }
    assertThat(worker.counters().applied()).isEqualTo(10_000);
    assertThat(worker.counters().deadLettered()).isZero();
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicWithHeadersAndTheRestLands() throws Exception {
    String topic = KAFKA.uniqueTopic("mixed");
    KAFKA.createTopic(topic, 3);
    LoadResult sent =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(1_000)
            .badFraction(0.06)
            .seed(5)
            .build()
            .run();
    assertThat(sent.bad()).isGreaterThan(20);

    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .table("events_bad_input")
                .group("ferry-bad-input")
                .load());
    List<ConsumerRecord<byte[], byte[]>> dead;
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  PG.queryLong("SELECT count(*) FROM events_bad_input") >= sent.good().size()
                      && worker.counters().deadLettered() >= sent.bad());
      dead = readAll(topic + ".dlt", sent.bad());
    }

    assertThat(PG.queryLong("SELECT count(*) FROM events_bad_input")).isEqualTo(sent.good().size());
    assertThat(dead).hasSize(sent.bad());
    Map<String, Integer> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      String reason = header(r, DeadLetterHeaders.REASON);
      reasons.merge(reason, 1, Integer::sum);
      assertThat(header(r, DeadLetterHeaders.VERSION)).isEqualTo("1");
      assertThat(header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
      assertThat(header(r, DeadLetterHeaders.PIPELINE)).isEqualTo("events");
      assertThat(header(r, DeadLetterHeaders.GROUP)).isEqualTo("ferry-bad-input");
      assertThat(header(r, DeadLetterHeaders.EXCEPTION_MESSAGE)).isNotBlank();
      assertThat(header(r, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("0");
      assertThat(Instant.parse(header(r, DeadLetterHeaders.FAILED_AT))).isBefore(Instant.now());
      assertThat(Long.parseLong(header(r, DeadLetterHeaders.ORIGINAL_OFFSET))).isNotNegative();
      assertThat(r.key()).isNotNull();
      switch (reason) {
        case "invalid-json", "not-an-object" ->
            assertThat(header(r, DeadLetterHeaders.STAGE)).isEqualTo("decode");
        case "coercion-failed" -> {
          assertThat(header(r, DeadLetterHeaders.STAGE)).isEqualTo("transform");
          assertThat(new String(r.value(), UTF_8)).contains("not-a-uuid");
          assertThat(header(r, DeadLetterHeaders.EXCEPTION_MESSAGE))
              .isEqualTo("column \"event_id\" (uuid): \"not-a-uuid\" is not a UUID");
        }
        default -> throw new AssertionError("unexpected reason " + reason);
      }
    }
    assertThat(reasons).containsOnlyKeys("invalid-json", "not-an-object", "coercion-failed");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
              });
    }
    return out;
  }

  private static Map<String, Map<String, Object>> rowsByEventId(String table) throws Exception {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (Connection c = PG.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT event_id::text, user_id, type, amount, ts, attrs::text FROM " + table)) {
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        row.put("user_id", rs.getString(2));
        row.put("type", rs.getString(3));
        row.put("amount", rs.getBigDecimal(4));
        row.put("ts", rs.getObject(5, OffsetDateTime.class).toInstant());
        row.put("attrs", rs.getString(6));
        rows.put(rs.getString(1), row);
      }
    }
    return rows;
  }
}
