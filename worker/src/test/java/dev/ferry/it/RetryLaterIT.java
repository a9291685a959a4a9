package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retry later, end to end: order lines on one topic arrive before their orders on another, and the
 * lines' table has a foreign key to the orders'. Every line lands once its order does, none is
 * dead-lettered, and each line key's versions are applied in order even where a later version alone
 * would have been accepted at once; a line whose order never comes is dead-lettered once the
 * horizon has passed, and the committed offsets then reach the end of both topics.
 */
@Timeout(120)
@RunsBesideOthers
class RetryLaterIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-retry-later";
  private static final int ORDERS = 20;
  private static final int LINES_PER_ORDER = 3;
  private static final Duration HORIZON = Duration.ofSeconds(8);

  @BeforeAll
  static void tables() {
    PG.execute("CREATE TABLE rl_orders (order_id text PRIMARY KEY, status text NOT NULL)");
    PG.execute(
        "CREATE TABLE rl_lines (line_id text PRIMARY KEY,"
            + " order_id text NOT NULL REFERENCES rl_orders (order_id), qty int NOT NULL)");
  }

  @Test
  void linesWaitForTheirOrdersInKeyOrderAndAnOrphanIsDeadLetteredAfterTheHorizon()
      throws Exception {
    String orders = KAFKA.uniqueTopic("orders");
    String lines = KAFKA.uniqueTopic("lines");
    KAFKA.createTopic(orders, 3);
    KAFKA.createTopic(lines, 3);
    KAFKA.produce(orders, "o-present", order("o-present"));
    for (int o = 1; o <= ORDERS; o++) {
      for (int l = 1; l <= LINES_PER_ORDER; l++) {
        KAFKA.produce(lines, "l-" + o + "-" + l, line("l-" + o + "-" + l, "o-" + o, l));
      }
    }
    // One key, two versions: the first waits for o-late; the second, for o-present, would be
    // accepted at once, and must still be applied after the first.
    KAFKA.produce(lines, "l-moved", line("l-moved", "o-late", 1));
    KAFKA.produce(lines, "l-moved", line("l-moved", "o-present", 2));
    RecordMetadata orphan = KAFKA.produce(lines, "l-orphan", line("l-orphan", "o-never", 7));

    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, orders)
            .withoutEventsPipeline()
            .group(GROUP)
            .retry("later", "{horizon: 8s, first-delay: 200ms, max-delay: 1s}")
            .morePipelines(
                """
                  - name: orders
                    topics: [%s]
                    table: %s
                    mode: upsert
                    key-columns: [order_id]
                    columns: {order_id: /order_id, status: /status}
                  - name: lines
                    topics: [%s]
                    table: %s
                    mode: upsert
                    key-columns: [line_id]
                    columns: {line_id: /line_id, order_id: /order_id, qty: /qty}
                """
                    .formatted(orders, PG.qualified("rl_orders"), lines, PG.qualified("rl_lines")));
    Instant started = Instant.now();
    try (RunningWorker worker = RunningWorker.start(yaml.load())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.counters().retriedLater() >= ORDERS * LINES_PER_ORDER + 2);
      assertThat(PG.queryRows("SELECT line_id, order_id, qty FROM rl_lines"))
          .as("no line is written before its order")
          .isEmpty();

      for (int o = 1; o <= ORDERS; o++) {
        KAFKA.produce(orders, "o-" + o, order("o-" + o));
      }
      KAFKA.produce(orders, "o-late", order("o-late"));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> PG.queryLong("SELECT count(*) FROM rl_lines") == ORDERS * LINES_PER_ORDER + 1);
      assertThat(PG.queryRows("SELECT order_id, qty FROM rl_lines WHERE line_id = 'l-moved'"))
          .as("the later version of l-moved applied after the earlier one")
          .containsExactly(Map.of("order_id", "o-present", "qty", 2));
      assertThat(
              PG.queryLong(
                  "SELECT count(*) FROM rl_lines l JOIN rl_orders o USING (order_id)"
                      + " WHERE l.qty::text = right(l.line_id, 1)"))
          .isEqualTo(ORDERS * LINES_PER_ORDER);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !DeadLetters.readAll(KAFKA.bootstrapServers(), lines + ".dlt").isEmpty());
      List<ConsumerRecord<byte[], byte[]>> dead =
          DeadLetters.readAll(KAFKA.bootstrapServers(), lines + ".dlt");
      assertThat(dead).hasSize(1);
      ConsumerRecord<byte[], byte[]> letter = dead.get(0);
      assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("l-orphan");
      assertThat(DeadLetters.header(letter, DeadLetterHeaders.REASON))
          .isEqualTo("foreign-key-violation");
      assertThat(Integer.parseInt(DeadLetters.header(letter, DeadLetterHeaders.ATTEMPTS)))
          .as("attempts: refused again and again until the horizon")
          .isGreaterThan(3);
      assertThat(Instant.parse(DeadLetters.header(letter, DeadLetterHeaders.FAILED_AT)))
          .as("dead-lettered only once the horizon had passed since its first refusal")
          .isAfterOrEqualTo(started.plus(HORIZON));
      assertThat(DeadLetters.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET))
          .isEqualTo(String.valueOf(orphan.offset()));
      assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), orders + ".dlt")).isEmpty();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  GroupLag.of(KAFKA.bootstrapServers(), GROUP, lines) == 0
                      && GroupLag.of(KAFKA.bootstrapServers(), GROUP, orders) == 0);
      assertThat(worker.counters().deadLettered()).isEqualTo(1);
      assertThat(worker.counters().applied())
          .isEqualTo(1 + ORDERS + 1 + ORDERS * LINES_PER_ORDER + 2);
    }
  }

  private static String order(String id) {
    return "{\"order_id\":\"%s\",\"status\":\"placed\"}".formatted(id);
  }

  private static String line(String id, String order, int qty) {
    return "{\"line_id\":\"%s\",\"order_id\":\"%s\",\"qty\":%d}".formatted(id, order, qty);
  }
}
