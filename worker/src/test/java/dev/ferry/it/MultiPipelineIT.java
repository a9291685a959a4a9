package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two pipelines in one worker: events (insert) and orders (upsert by order_id, tombstones delete),
 * each from its own topic into its own table (schemas/events.sql, schemas/orders.sql). Three
 * versions of one order leave one row holding the last; a tombstone then deletes it and leaves the
 * other order alone; the events land beside them.
 */
@Timeout(120)
class MultiPipelineIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-two-pipelines";
  private static final int EVENTS = 500;

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
    PG.executeSchemaFile("orders.sql");
  }

  @Test
  void anUpsertKeepsTheLastVersionAndATombstoneDeletesIt() throws Exception {
    String events = KAFKA.uniqueTopic("events");
    String orders = KAFKA.uniqueTopic("orders");
    KAFKA.createTopic(events, 3);
    KAFKA.createTopic(orders, 3);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(events)
        .count(EVENTS)
        .seed(61)
        .retainGood(false)
        .build()
        .run();
    KAFKA.produce(orders, "o-1", order("o-1", "placed", 10));
    KAFKA.produce(orders, "o-2", order("o-2", "placed", 20));
    KAFKA.produce(orders, "o-1", order("o-1", "paid", 11));
    KAFKA.produce(orders, "o-1", order("o-1", "shipped", 12));

    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, events)
            .group(GROUP)
            .morePipelines(
                """
                  - name: orders
                    topics: [%s]
                    table: %s
                    mode: upsert
                    key-columns: [order_id]
                    tombstones: delete
                    columns:
                      order_id: /order_id
                      placed_at: /placed_at
                      status: /status
                      customer_id: /customer/id
                      customer_email: /customer/email
                      address: /customer/address
                      tags: /tags
                """
                    .formatted(orders, PG.qualified("orders")));
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      awaitCaughtUp(events, orders);
      assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(EVENTS);
      assertThat(
              PG.queryRows(
                  "SELECT order_id, status, customer_id, address->>'city' AS city,"
                      + " array_to_string(tags, ',') AS tags FROM orders ORDER BY order_id"))
          .containsExactly(
              Map.of(
                  "order_id", "o-1",
                  "status", "shipped",
                  "customer_id", 12L,
                  "city", "Lyon",
                  "tags", "gift,express"),
              Map.of(
                  "order_id", "o-2",
                  "status", "placed",
                  "customer_id", 20L,
                  "city", "Lyon",
                  "tags", "gift,express"));

      KAFKA.produce(orders, "o-1", null);
      awaitCaughtUp(events, orders);
      assertThat(PG.queryRows("SELECT order_id FROM orders"))
          .containsExactly(Map.of("order_id", "o-2"));
    }
    assertThat(worker.counters().deadLettered()).isZero();
    assertThat(worker.counters().applied()).isEqualTo(EVENTS + 4 + 1);
  }

  private static String order(String id, String status, long customer) {
    return """
        {"order_id": "%s", "placed_at": "2026-11-25T10:00:00Z", "status": "%s",
         "customer": {"id": %d, "email": "c%d@example.com", "address": {"city": "Lyon"}},
         "lines": [{"sku": "A-1", "quantity": 2, "unit_price": 9.95}],
         "tags": ["gift", "express"]}
        """
        .formatted(id, status, customer, customer);
  }

  private static void awaitCaughtUp(String... topics) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              for (String topic : topics) {
                if (GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) != 0) {
                  return false;
                }
              }
              return true;
            });
  }
}
