package dev.ferry.it.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.it.registry.FerryCli.Run;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.registry.ApicurioRegistry;
import dev.ferry.testkit.registry.Framed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 3 of issue 18: a record framed with a schema id the registry does not have ({@code
 * unknown-schema}), one whose first byte is not the magic byte 0 ({@code invalid-framing}) and one
 * whose Avro body is cut short ({@code invalid-avro}) are dead-lettered with their own reasons and
 * their raw bytes, while the good records around them land. Once the missing schema is registered
 * (under the id the record names), {@code ferry dlt replay --reason unknown-schema} brings that
 * record back and it lands once.
 */
@Timeout(180)
class RegistryBadRecordsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration APPLIED = Duration.ofSeconds(60);

  @TempDir static Path registryDir;
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() {
    registry = ApicurioRegistry.start(registryDir);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void badRecordsAreDeadLetteredWithTheirBytesAndTheUnknownIdLandsOnceReplayed(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("registry-bad");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE readings " + Readings.TABLE);
    int v1 = registry.register(topic + "-value", Readings.V1, "AVRO");
    int unknownId = v1 + 3;
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("unknown-schema", Framed.avro(unknownId, Readings.record(2, true)));
    byte[] wrongMagic = Framed.avro(v1, Readings.record(4, false));
    wrongMagic[0] = 1;
    bad.put("invalid-framing", wrongMagic);
    byte[] whole = Framed.avro(v1, Readings.record(6, false));
    // Cut inside the last field, the note's text: the body ends before the record does.
    bad.put("invalid-avro", Arrays.copyOf(whole, whole.length - 4));
    produce(topic, v1, bad);

    RegistryPipeline pipeline =
        RegistryPipeline.of(KAFKA, PG, topic, "avro", "readings").registry(registry.url());
    Readings.COLUMNS.forEach(pipeline::column);
    Path config = pipeline.write(dir);
    RunningWorker worker = RunningWorker.start(pipeline.load());
    try (worker) {
      await("good records applied, bad ones dead-lettered")
          .atMost(APPLIED)
          .until(
              () ->
                  PG.queryLong("SELECT count(*) FROM readings") == 4
                      && worker.counters().deadLettered() == 3);
      assertDeadLetters(pipeline.deadLetters(), bad);

      assertThat(registerUntil(topic, unknownId - 1)).isEqualTo(unknownId - 1);
      assertThat(registry.register(topic + "-value", Readings.V2, "AVRO"))
          .as("the missing schema, registered under the id the record names")
          .isEqualTo(unknownId);
      Run replay =
          FerryCli.ferry(
              "dlt",
              "replay",
              "--config",
              config.toString(),
              "--reason",
              "unknown-schema",
              "--name",
              topic + "-replay");
      assertThat(replay.exit()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("selected   1").contains("replayed   1");
      await("the replayed record applied")
          .atMost(APPLIED)
          .until(() -> PG.queryLong("SELECT count(*) FROM readings") == 5);
    }
    assertThat(worker.counters().deadLettered()).as("nothing failed again").isEqualTo(3);
    assertThat(pipeline.deadLetters()).as("the DLT is left as it was").hasSize(3);
    ExactRows.assertTable(
        PG,
        "readings",
        "id",
        List.of(
            Readings.row(1, false),
            Readings.row(2, true),
            Readings.row(3, false),
            Readings.row(5, false),
            Readings.row(7, false)));
  }

  /** Good readings 1, 3, 5 and 7 in version 1, and a bad record before each of 3, 5 and 7. */
  private static void produce(String topic, int v1, Map<String, byte[]> bad) throws Exception {
    List<byte[]> badValues = List.copyOf(bad.values());
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          producer.send(new ProducerRecord<>(topic, key(2 * i), badValues.get(i - 1))).get();
        }
        long id = 2 * i + 1;
        byte[] good = Framed.avro(v1, Readings.record(id, false));
        producer.send(new ProducerRecord<>(topic, key(id), good)).get();
      }
    }
  }

  private static byte[] key(long id) {
    return ("r" + id).getBytes(UTF_8);
  }

  /** Each dead letter has the reason of its fault and the record's bytes exactly as produced. */
  private static void assertDeadLetters(
      List<ConsumerRecord<byte[], byte[]>> letters, Map<String, byte[]> bad) {
    Map<String, byte[]> byReason = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      byReason.put(DeadLetters.header(letter, DeadLetterHeaders.REASON), letter.value());
    }
    assertThat(byReason).containsOnlyKeys(bad.keySet());
    bad.forEach(
        (reason, value) -> assertThat(byReason.get(reason)).as(reason + " bytes").isEqualTo(value));
  }

  /**
   * Registers distinct schemas under another subject until one gets {@code id} (Apicurio numbers
   * schemas in order), so that the next registration gets the id the unknown record names.
   *
   * @return the id of the last schema registered
   */
  private static int registerUntil(String topic, int id) {
    int last = 0;
    for (int n = 0; n < 10 && last < id; n++) {
      String filler = "{\"type\": \"record\", \"name\": \"Filler" + n + "\", \"fields\": []}";
      last = registry.register(topic + "-filler-value", filler, "AVRO");
    }
    return last;
  }
}
