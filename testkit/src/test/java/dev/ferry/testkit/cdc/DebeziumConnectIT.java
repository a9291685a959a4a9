package dev.ferry.testkit.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real change events: Debezium's PostgreSQL connector on Kafka Connect reads a private cluster and
 * writes a snapshot read, an insert, an update and a delete with its tombstone to the table's
 * topic, in order, with the Connect schema wrapper.
 */
@Timeout(180)
class DebeziumConnectIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSnapshotAndEveryOperationReachTheTablesTopicInOrder(@TempDir Path dir) throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.start()) {
      Properties user = new Properties();
      user.setProperty("user", "postgres");
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), user);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2))");
        s.execute("INSERT INTO items VALUES (1, 'before the snapshot', 1.50)");
        String prefix = KAFKA.uniqueTopic("src");
        DebeziumConnect.Source source =
            new DebeziumConnect.Source(pg, "postgres", prefix, List.of("public.items"));
        try (DebeziumConnect connect =
            DebeziumConnect.start(dir.resolve("connect"), KAFKA.bootstrapServers(), source, true)) {
          s.execute("INSERT INTO items VALUES (2, 'inserted', 2.25)");
          s.execute("UPDATE items SET name = 'updated' WHERE id = 2");
          s.execute("DELETE FROM items WHERE id = 1");

          List<ConsumerRecord<byte[], byte[]>> events = readAtLeast(prefix + ".public.items", 5);

          List<String> ops = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> e : events) {
            ops.add(e.value() == null ? "tombstone" : payload(e.value()).path("op").asText());
          }
          assertThat(ops).containsExactly("r", "c", "u", "d", "tombstone");
          JsonNode update = payload(events.get(2).value());
          assertThat(update.path("after").path("name").asText()).isEqualTo("updated");
          assertThat(update.path("source").path("lsn").isNumber()).isTrue();
          assertThat(new String(events.get(4).key(), StandardCharsets.UTF_8)).contains("\"id\":1");
          assertThat(connect.slotName()).startsWith("ferry_cdc_");
        }
      }
    }
  }

  private static JsonNode payload(byte[] value) throws Exception {
    return JSON.readTree(value).path("payload");
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                topic + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
              });
    }
    return records;
  }
}
