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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Acceptance 3 of issue 18, for the faults whose cause is outside the record: a wrong magic byte
 * because the pipeline's {@code format} is wrong (the topic carries plain JSON), and a body that
 * reads as cut short because {@code registry.url} points at another registry, where the same id is
 * a longer schema. Each goes to the DLT with its own reason; once the config is fixed and the
 * worker restarted, {@code ferry dlt replay} lands each record once, and a second replay under
 * another name applies nothing again.
 */
@Timeout(240)
class RegistryCauseFixedReplayIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration APPLIED = Duration.ofSeconds(60);

  @TempDir static Path registryDir;
  @TempDir static Path otherRegistryDir;
  private static ApicurioRegistry registry;
  private static ApicurioRegistry otherRegistry;

  @BeforeAll
  static void startRegistries() {
    registry = ApicurioRegistry.start(registryDir);
    otherRegistry = ApicurioRegistry.start(otherRegistryDir);
  }

  @AfterAll
  static void stopRegistries() {
    for (ApicurioRegistry r : new ApicurioRegistry[] {registry, otherRegistry}) {
      if (r != null) {
        r.close();
      }
    }
  }

  @Test
  void jsonReadAsAvroLandsOnceReplayedAfterTheFormatIsFixed(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("registry-wrong-format");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE notes (id bigint PRIMARY KEY, body text)");
    produce(topic, "{\"id\": 7, \"body\": \"plain JSON\"}".getBytes(UTF_8));

    RegistryPipeline wrong = notes(topic, "avro", registry);
    awaitDeadLettered(wrong, "invalid-framing");

    RegistryPipeline fixed = notes(topic, "json", registry);
    replayTwiceAndAwaitOneRow(fixed, dir, "invalid-framing", "notes");
    assertThat(PG.queryLong("SELECT count(*) FROM notes WHERE id = 7 AND body = 'plain JSON'"))
        .isEqualTo(1);
  }

  @Test
  void aBodyReadWithTheWrongRegistrysSchemaLandsOnceReplayedAfterTheUrlIsFixed(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("registry-wrong-url");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE readings " + Readings.TABLE);
    int id = registry.register(topic + "-value", Readings.V1, "AVRO");
    // The other registry gives the same id to a schema with one more (required) field.
    int filler = 0;
    for (int n = 0; filler < id - 1 && n < 20; n++) {
      filler =
          otherRegistry.register(
              topic + "-filler-value",
              "{\"type\": \"record\", \"name\": \"Filler" + n + "\", \"fields\": []}",
              "AVRO");
    }
    String longer =
        Readings.V1.replace(
            "\"default\": null}",
            "\"default\": null},\n{\"name\": \"extra\", \"type\": \"string\"}");
    assertThat(otherRegistry.register(topic + "-value", longer, "AVRO")).isEqualTo(id);
    produce(topic, Framed.avro(id, Readings.record(9, false)));

    RegistryPipeline wrong = readings(topic, otherRegistry);
    awaitDeadLettered(wrong, "invalid-avro");

    RegistryPipeline fixed = readings(topic, registry);
    replayTwiceAndAwaitOneRow(fixed, dir, "invalid-avro", "readings");
    ExactRows.assertTable(PG, "readings", "id", List.of(Readings.row(9, false)));
  }

  private static RegistryPipeline notes(String topic, String format, ApicurioRegistry at) {
    return RegistryPipeline.of(KAFKA, PG, topic, format, "notes")
        .registry(at.url())
        .column("id", "/id")
        .column("body", "/body");
  }

  private static RegistryPipeline readings(String topic, ApicurioRegistry at) {
    RegistryPipeline pipeline =
        RegistryPipeline.of(KAFKA, PG, topic, "avro", "readings").registry(at.url());
    Readings.COLUMNS.forEach(pipeline::column);
    return pipeline;
  }

  private static void produce(String topic, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      producer.send(new ProducerRecord<>(topic, "k".getBytes(UTF_8), value)).get();
    }
  }

  /** Runs the misconfigured worker until the record is dead-lettered with {@code reason}. */
  private static void awaitDeadLettered(RegistryPipeline pipeline, String reason) throws Exception {
    try (RunningWorker worker = RunningWorker.start(pipeline.load())) {
      await("dead-lettered as " + reason)
          .atMost(APPLIED)
          .until(() -> worker.counters().deadLettered() == 1);
    }
    List<ConsumerRecord<byte[], byte[]>> letters = pipeline.deadLetters();
    assertThat(letters).hasSize(1);
    assertThat(DeadLetters.header(letters.get(0), DeadLetterHeaders.REASON)).isEqualTo(reason);
  }

  /**
   * With the fixed config: a worker runs, the dead letter is replayed (it lands), and replayed
   * again under another name (already applied: nothing changes).
   */
  private static void replayTwiceAndAwaitOneRow(
      RegistryPipeline fixed, Path dir, String reason, String table) throws Exception {
    Path config = fixed.write(Files.createDirectories(dir.resolve("fixed")));
    try (RunningWorker worker = RunningWorker.start(fixed.load())) {
      Run first = replay(config, reason, fixed.group() + "-fix");
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).contains("replayed   1");
      await("the replayed record applied")
          .atMost(APPLIED)
          .until(() -> PG.queryLong("SELECT count(*) FROM " + table) == 1);
      Run second = replay(config, reason, fixed.group() + "-again");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(second.out()).contains("replayed   0").contains("skipped    1");
      assertThat(worker.counters().deadLettered()).as("nothing failed again").isZero();
    }
    assertThat(PG.queryLong("SELECT count(*) FROM " + table)).isEqualTo(1);
    assertThat(fixed.deadLetters()).as("the DLT is left as it was").hasSize(1);
  }

  private static Run replay(Path config, String reason, String name) {
    return FerryCli.ferry(
        "dlt", "replay", "--config", config.toString(), "--reason", reason, "--name", name);
  }
}
