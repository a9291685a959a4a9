package dev.ferry.it.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.registry.ApicurioRegistry;
import dev.ferry.testkit.registry.Framed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 of issue 18: records of two versions of one Avro schema, interleaved in one topic
 * and framed with the ids a real registry (Apicurio) gave them, land exactly: every logical type in
 * its Postgres column with no loss of precision (decimals to the last digit, microseconds kept),
 * nested records, arrays and maps as jsonb and through pointers into them, enums as their symbol,
 * fixed and bytes byte for byte, a null union branch as NULL, and NULL in the columns of the second
 * version's fields for records of the first.
 */
@Timeout(180)
class AvroRegistryIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int ORDERS = 40;

  @TempDir static Path registryDir;
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = ApicurioRegistry.start(registryDir);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void bothVersionsInterleavedLandExactlyColumnByColumn() throws Exception {
    String topic = KAFKA.uniqueTopic("avro-orders");
    KAFKA.createTopic(topic, 3);
    PG.execute("CREATE TABLE orders " + AvroOrders.TABLE);
    int v1 = registry.register(topic + "-value", AvroOrders.V1, "AVRO");
    int v2 = registry.register(topic + "-value", AvroOrders.V2, "AVRO");
    assertThat(v2).as("version 2 has an id of its own").isNotEqualTo(v1);

    List<Map<String, Object>> expected = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < ORDERS; i++) {
        int id = AvroOrders.isVersion2(i) ? v2 : v1;
        byte[] value = Framed.avro(id, AvroOrders.record(i));
        producer.send(new ProducerRecord<>(topic, ("o" + i).getBytes(UTF_8), value)).get();
        expected.add(AvroOrders.row(i));
      }
    }
    RegistryPipeline pipeline =
        RegistryPipeline.of(KAFKA, PG, topic, "avro", "orders").registry(registry.url());
    AvroOrders.COLUMNS.forEach(pipeline::column);

    RunningWorker worker = RunningWorker.start(pipeline.load());
    try (worker) {
      await("every order applied or dead-lettered")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  PG.queryLong("SELECT count(*) FROM orders") + worker.counters().deadLettered()
                      >= ORDERS);
      assertThat(worker.counters().deadLettered()).as(pipeline.describeDeadLetters()).isZero();
    }
    ExactRows.assertTable(PG, "orders", "id", expected);
  }
}
