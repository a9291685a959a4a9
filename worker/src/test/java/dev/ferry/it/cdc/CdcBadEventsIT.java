package dev.ferry.it.cdc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.cdc.ChangeTopics;
import dev.ferry.testkit.cdc.TableComparison;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events Ferry cannot apply, between real ones on a real Debezium topic (schemas on), each go to
 * the dead-letter topic with a clear reason and their original bytes, and nothing around them is
 * lost: an event of an unknown {@code op} ({@code unknown-op}); a value that is JSON but not an
 * object ({@code not-an-object}, found before the envelope is read); two malformed envelopes, one
 * without {@code op} and a create without {@code after} ({@code invalid-envelope}); and a real
 * truncate under the default setting ({@code truncate}), which leaves the target's rows alone. The
 * malformed events are real events of the same table, changed and produced with the real event's
 * key by a plain Kafka producer.
 */
@Timeout(180)
class CdcBadEventsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "(id int PRIMARY KEY, note text)";

  @Test
  void badEventsAreDeadLetteredWithTheirReasonAndEveryRealEventAroundThemApplies(@TempDir Path dir)
      throws Exception {
    PG.execute("CREATE TABLE orders " + TABLE);
    try (CdcSource source =
            CdcSource.start(
                dir,
                KAFKA,
                List.of("public.orders"),
                true,
                db ->
                    db.execute(
                        "CREATE TABLE orders " + TABLE,
                        "INSERT INTO orders VALUES (1, 'one'), (2, 'two')"));
        Connection target = PG.connect()) {
      String topic = source.topic("public.orders");
      TableComparison comparison =
          TableComparison.between(source.db().connection(), "public.orders", target, "orders");
      CdcPipeline pipeline = CdcPipeline.of(KAFKA, PG, topic, "orders");
      RunningWorker worker = RunningWorker.start(pipeline.yaml().load());
      Map<String, byte[]> bad;
      try (worker) {
        source.db().execute("INSERT INTO orders VALUES (3, 'three')");
        source.connect().awaitRecords("public.orders", 3, CdcSource.STREAM_TIMEOUT);
        ConsumerRecord<byte[], byte[]> create =
            DeadLetters.readAll(KAFKA.bootstrapServers(), topic).get(2);
        bad = badEvents(create.value());
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
          for (byte[] value : bad.values()) {
            producer.send(new ProducerRecord<>(topic, create.key(), value));
          }
        }
        source
            .db()
            .execute(
                "UPDATE orders SET note = 'three, updated' WHERE id = 3",
                "INSERT INTO orders VALUES (4, 'four')",
                "DELETE FROM orders WHERE id = 1",
                "UPDATE orders SET note = 'two, updated' WHERE id = 2");
        source.awaitStreamed();
        awaitEqual(comparison);

        source
            .db()
            .execute("TRUNCATE orders", "INSERT INTO orders VALUES (5, 'after the truncate')");
        source.awaitStreamed();
        await("the insert after the truncate")
            .atMost(Duration.ofSeconds(60))
            .until(() -> PG.queryLong("SELECT count(*) FROM orders WHERE id = 5") == 1);
        assertThat(PG.queryRows("SELECT id, note FROM orders ORDER BY id"))
            .as("the truncate is dead-lettered, not applied")
            .containsExactly(
                Map.of("id", 2, "note", "two, updated"),
                Map.of("id", 3, "note", "three, updated"),
                Map.of("id", 4, "note", "four"),
                Map.of("id", 5, "note", "after the truncate"));
        await("five dead letters")
            .atMost(Duration.ofSeconds(30))
            .until(() -> pipeline.deadLetters().size() == 5);
      }

      assertDeadLetters(pipeline.deadLetters(), topic, bad);
      assertThat(worker.counters().deadLettered()).isEqualTo(5);
    }
  }

  /**
   * Each dead letter has the reason of what is wrong with it and the original record's bytes: its
   * value and key are those at its original offset, which are the events the test produced (and the
   * real truncate).
   */
  private static void assertDeadLetters(
      List<ConsumerRecord<byte[], byte[]>> dlt, String topic, Map<String, byte[]> bad) {
    Map<String, List<String>> byReason =
        dlt.stream()
            .collect(
                Collectors.groupingBy(
                    r -> DeadLetters.header(r, DeadLetterHeaders.REASON),
                    Collectors.mapping(r -> new String(r.value(), UTF_8), Collectors.toList())));
    assertThat(byReason.keySet())
        .containsExactlyInAnyOrder("unknown-op", "not-an-object", "invalid-envelope", "truncate");
    assertThat(byReason.get("unknown-op")).containsExactly(text(bad.get("unknown op")));
    assertThat(byReason.get("not-an-object")).containsExactly(text(bad.get("not an object")));
    assertThat(byReason.get("invalid-envelope"))
        .containsExactlyInAnyOrder(text(bad.get("no op")), text(bad.get("no after")));
    assertThat(byReason.get("truncate")).containsExactly(text(truncateEvent(topic).value()));
    List<ConsumerRecord<byte[], byte[]>> originals =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic);
    for (ConsumerRecord<byte[], byte[]> letter : dlt) {
      ConsumerRecord<byte[], byte[]> original =
          originals.get(
              Integer.parseInt(DeadLetters.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)));
      assertThat(letter.value())
          .as("the dead letter's bytes are the original's")
          .isEqualTo(original.value());
      assertThat(letter.key()).as("and so is its key").isEqualTo(original.key());
    }
  }

  /**
   * A real create event turned into events Ferry cannot apply, by what is wrong with each; in the
   * order they are produced.
   */
  private static Map<String, byte[]> badEvents(byte[] create) throws Exception {
    ObjectNode unknownOp = (ObjectNode) JSON.readTree(create);
    ((ObjectNode) unknownOp.get("payload")).put("op", "x");
    ObjectNode noOp = (ObjectNode) JSON.readTree(create);
    ((ObjectNode) noOp.get("payload")).remove("op");
    ObjectNode noAfter = (ObjectNode) JSON.readTree(create);
    ((ObjectNode) noAfter.get("payload")).remove("after");
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("unknown op", JSON.writeValueAsBytes(unknownOp));
    bad.put("not an object", "[\"a change event\", \"in an array\"]".getBytes(UTF_8));
    bad.put("no op", JSON.writeValueAsBytes(noOp));
    bad.put("no after", JSON.writeValueAsBytes(noAfter));
    return bad;
  }

  private static ConsumerRecord<byte[], byte[]> truncateEvent(String topic) {
    return DeadLetters.readAll(KAFKA.bootstrapServers(), topic).stream()
        .filter(r -> r.value() != null && r.value()[0] == '{')
        .filter(r -> ChangeTopics.payload(r.value()).path("op").asText().equals("t"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no truncate event on " + topic));
  }

  private static String text(byte[] value) {
    return new String(value, UTF_8);
  }

  private static void awaitEqual(TableComparison comparison) {
    await("target equals source around the bad events")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(comparison::assertEqual);
  }
}
