package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Values that break the pipeline's JSON Schema are dead-lettered at the validate stage. */
@Timeout(120)
class SchemaValidationIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-schema";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void schemaViolationsAreDeadLetteredWithTheFieldThatBrokeThem(@TempDir Path dir)
      throws Exception {
    Path schema = dir.resolve("events.schema.json");
    Files.writeString(schema, PostgresSchemaExtension.loadSchemaFile("events.schema.json"));
    String topic = KAFKA.uniqueTopic("schema");
    KAFKA.createTopic(topic, 2);
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 20; i++) {
        String type = i % 10 == 3 ? "teleport" : "click";
        String user = i % 10 == 6 ? "" : "\"user_id\":\"u" + i + "\",";
        String json =
            ("{\"event_id\":\"%s\",%s\"type\":\"%s\",\"amount\":1.5,"
                    + "\"ts\":\"2026-01-01T00:00:00Z\",\"attrs\":{}}")
                .formatted(UUID.randomUUID(), user, type);
        producer.send(new ProducerRecord<>(topic, ("u" + i).getBytes(UTF_8), json.getBytes(UTF_8)));
      }
    }

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .schema(schema)
                .load(),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(60));

    assertThat(PG.queryLong("SELECT count(*) FROM events")).isEqualTo(16);
    assertThat(worker.counters().deadLettered()).isEqualTo(4);
    for (ConsumerRecord<byte[], byte[]> r :
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")) {
      assertThat(DeadLetters.header(r, DeadLetterHeaders.STAGE)).isEqualTo("validate");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REASON)).isEqualTo("schema-violation");
      String value = new String(r.value(), UTF_8);
      String message = DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE);
      assertThat(message).startsWith("value does not match schema events.schema.json: ");
      if (value.contains("teleport")) {
        assertThat(message).contains("type");
      } else {
        assertThat(message).contains("user_id");
      }
    }
  }
}
