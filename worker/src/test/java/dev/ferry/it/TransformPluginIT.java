package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ConfigLoader;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.PluginJar;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar, built here from the worked example in docs/examples/order-lines (compiled against
 * the SPI and Jackson only), is loaded from the plugin directory and splits each order into an
 * orders row and one order_lines row per line item. An order its transform refuses is dead-lettered
 * with reason transform-failed; an order one of whose lines breaks a CHECK is dead-lettered once,
 * and none of its rows (not even its orders row) is written.
 */
@Timeout(180)
class TransformPluginIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-transform";
  private static final Path EXAMPLE = Path.of("..", "docs", "examples", "order-lines");

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("orders.sql");
  }

  @Test
  void aPluginFromThePluginDirectorySplitsOrdersIntoTwoTables(@TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    PluginJar.build(EXAMPLE, dir, "order-lines.jar");
    Files.move(dir.resolve("order-lines.jar"), plugins.resolve("order-lines.jar"));
    String topic = KAFKA.uniqueTopic("orders");
    KAFKA.createTopic(topic, 2);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      send(
          producer,
          topic,
          order("o-1", "[" + line("A-1", 2, "9.95") + "," + line("B-2", 1, "0.10") + "]"));
      send(producer, topic, order("o-2", "[" + line("C-3", 3, "1.00") + "]"));
      send(producer, topic, order("o-3", "[]")); // the transform refuses it
      send(
          producer,
          topic,
          order("o-4", "[" + line("D-4", 1, "5.00") + "," + line("E-5", 0, "1.00") + "]"));
      send(
          producer,
          topic,
          order("o-1", "[" + line("A-1", 3, "9.95") + "," + line("B-2", 1, "0.10") + "]"));
      producer.flush();
    }

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            ConfigLoader.withEnvironment(Map.of()).parse(yaml(topic, plugins), "test"),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(60));

    assertThat(
            PG.queryRows(
                "SELECT order_id, status, customer_id, line_count, total FROM orders"
                    + " ORDER BY order_id"))
        .containsExactly(
            Map.of(
                "order_id",
                "o-1",
                "status",
                "placed",
                "customer_id",
                7L,
                "line_count",
                2,
                "total",
                new BigDecimal("29.95")),
            Map.of(
                "order_id",
                "o-2",
                "status",
                "placed",
                "customer_id",
                7L,
                "line_count",
                1,
                "total",
                new BigDecimal("3.00")));
    assertThat(
            PG.queryRows("SELECT order_id, line_no, sku, quantity FROM order_lines ORDER BY 1, 2"))
        .containsExactly(
            Map.of("order_id", "o-1", "line_no", 1, "sku", "A-1", "quantity", 3),
            Map.of("order_id", "o-1", "line_no", 2, "sku", "B-2", "quantity", 1),
            Map.of("order_id", "o-2", "line_no", 1, "sku", "C-3", "quantity", 3));
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).hasSize(2);
    Map<String, String> reasonByOrder = new java.util.TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      reasonByOrder.put(
          new String(r.key(), UTF_8),
          DeadLetters.header(r, DeadLetterHeaders.STAGE)
              + "/"
              + DeadLetters.header(r, DeadLetterHeaders.REASON)
              + ": "
              + DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE));
    }
    assertThat(reasonByOrder.get("o-3"))
        .isEqualTo("transform/transform-failed: the order has no line items (/lines)");
    assertThat(reasonByOrder.get("o-4")).startsWith("sink/check-violation: ");
    assertThat(worker.counters().applied()).isEqualTo(3);
    assertThat(worker.counters().deadLettered()).isEqualTo(2);
  }

  private String yaml(String topic, Path plugins) {
    return FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
        .group(GROUP)
        .worker("plugin-dir", "\"" + plugins + "\"")
        .withoutEventsPipeline()
        .morePipelines(
            """
          - name: orders
            topics: [%s]
            transform: order-lines
            transform-options: {lines-table: %s, orders-table: %s}
            table: %s
            mode: upsert
            key-columns: [order_id]
            columns:
              order_id: /order_id
              placed_at: /placed_at
              status: /status
              customer_id: /customer/id
              customer_email: /customer/email
              address: /customer/address
              line_count: /line_count
              total: /total
            targets:
              - table: %s
                mode: upsert
                key-columns: [order_id, line_no]
                columns:
                  order_id: /order_id
                  line_no: /line_no
                  sku: /sku
                  quantity: /quantity
                  unit_price: /unit_price
        """
                .formatted(
                    topic,
                    PG.qualified("order_lines"),
                    PG.qualified("orders"),
                    PG.qualified("orders"),
                    PG.qualified("order_lines")))
        .text();
  }

  private static String order(String id, String lines) {
    return """
        {"order_id": "%s", "placed_at": "2026-11-25T10:00:00Z", "status": "placed",
         "customer": {"id": 7, "email": "c7@example.com"}, "lines": %s}
        """
        .formatted(id, lines);
  }

  private static String line(String sku, int quantity, String price) {
    return "{\"sku\": \"%s\", \"quantity\": %d, \"unit_price\": %s}"
        .formatted(sku, quantity, price);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value)
      throws Exception {
    String id = value.replaceFirst("(?s).*\"order_id\": \"([^\"]+)\".*", "$1");
    producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), value.getBytes(UTF_8))).get();
  }
}
