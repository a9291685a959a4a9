package dev.ferry.it.registry;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 4 of issue 18: a proto3 schema registered in a real registry (Apicurio; it takes the
 * {@code google/protobuf/timestamp.proto} import without a reference), messages encoded with
 * protobuf-java from a descriptor of the same message and framed with its id and the message
 * indexes {@code [0]}, land exactly: scalars of every width (unsigned ones past the signed range),
 * a nested message as jsonb and through a pointer, an enum as its name, repeated and map fields as
 * jsonb, a {@code Timestamp} to the microsecond, a proto3 {@code optional} field, and a message
 * with everything at its default (scalars as 0, "" and false; unset messages as NULL).
 */
@Timeout(180)
class ProtobufRegistryIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int SHIPMENTS = 12;

  @Test
  void protobufMessagesLandExactlyColumnByColumn(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("proto-shipments");
    KAFKA.createTopic(topic, 2);
    PG.execute("CREATE TABLE shipments " + Shipments.TABLE);
    try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("registry"))) {
      int id = registry.register(topic + "-value", Shipments.PROTO, "PROTOBUF");
      List<Map<String, Object>> expected = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
        for (int i = 0; i < SHIPMENTS; i++) {
          byte[] value = Framed.protobuf(id, List.of(0), Shipments.message(i));
          producer.send(new ProducerRecord<>(topic, Shipments.key(i), value)).get();
          expected.add(Shipments.row(i));
        }
      }
      RegistryPipeline pipeline =
          RegistryPipeline.of(KAFKA, PG, topic, "protobuf", "shipments").registry(registry.url());
      Shipments.COLUMNS.forEach(pipeline::column);

      RunningWorker worker = RunningWorker.start(pipeline.load());
      try (worker) {
        await("every shipment applied or dead-lettered")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    PG.queryLong("SELECT count(*) FROM shipments")
                            + worker.counters().deadLettered()
                        >= SHIPMENTS);
        assertThat(worker.counters().deadLettered()).as(pipeline.describeDeadLetters()).isZero();
      }
      ExactRows.assertTable(PG, "shipments", "id", expected);
    }
  }
}
