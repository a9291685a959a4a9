package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bad record near its input topic's size limit, whose dead letter (the record plus Ferry's
 * headers) is larger than the record: its DLT takes it whole and the good records behind it on the
 * same partition and lane land, with the broker's default limit and with a raised one. A DLT that
 * cannot take it halts its pipeline without dropping it or blocking the other pipelines, until an
 * operator raises the DLT's limit and resumes. The worker drains and stops cleanly in every case.
 */
@Timeout(180)
class DeadLetterTooLargeIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  /** The broker's default message.max.bytes, the effective limit of a topic without its own. */
  private static final int BROKER_DEFAULT_LIMIT = 1_048_588;

  private static final int GOOD_AFTER = 20;
  private static final String KEY = "one-key";

  @BeforeAll
  static void table() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aBadRecordJustUnderTheBrokerDefaultLimitEndsWholeInTheDlt() throws Exception {
    String topic = KAFKA.uniqueTopic("near-limit");
    KAFKA.createTopic(topic, 1);
    assertBadRecordDeadLetteredAndGoodOnesLand(topic, BROKER_DEFAULT_LIMIT - 1_024);
  }

  @Test
  void aBadRecordJustUnderARaisedTopicLimitEndsWholeInTheDlt() throws Exception {
    String topic = KAFKA.uniqueTopic("raised-limit");
    int limit = 2 * 1024 * 1024;
    KAFKA.createTopic(
        topic, 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(limit)));
    assertBadRecordDeadLetteredAndGoodOnesLand(topic, limit - 1_024);
    assertThat(maxMessageBytes(topic + ".dlt"))
        .as("the DLT Ferry created: its input's limit plus room for the headers")
        .isEqualTo(limit + 64 * 1024);
  }

  private void assertBadRecordDeadLetteredAndGoodOnesLand(String topic, int badSize)
      throws Exception {
    String group = "ferry-" + topic;
    byte[] bad = badEvent(badSize);
    produce(topic, List.of(bad));
    produce(topic, goodEvents(topic, 0, GOOD_AFTER));

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(group)
                .worker("threads", 2)
                .load(),
            KAFKA.bootstrapServers(),
            group,
            topic,
            Duration.ofSeconds(60));

    List<ConsumerRecord<byte[], byte[]>> dlt =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dlt).hasSize(1);
    ConsumerRecord<byte[], byte[]> letter = dlt.get(0);
    assertThat(letter.value()).as("the bad record's value, byte for byte").isEqualTo(bad);
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("0");
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.EXCEPTION_STACKTRACE))
        .as("a DLT Ferry created takes the full headers")
        .isNotNull();
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.HEADERS_SHED)).isNull();
    assertThat(PG.queryLong("SELECT count(*) FROM events WHERE type = 'fine-" + topic + "'"))
        .isEqualTo(GOOD_AFTER);
    assertThat(worker.counters().deadLettered()).isEqualTo(1);
    assertThat(worker.counters().applied()).isEqualTo(GOOD_AFTER);
  }

  @Test
  void aDeadLetterItsDltCannotTakeHaltsOnlyItsPipelineUntilTheLimitIsRaised() throws Exception {
    String topic = KAFKA.uniqueTopic("small-dlt");
    String other = KAFKA.uniqueTopic("other");
    String group = "ferry-" + topic;
    KAFKA.createTopic(topic, 1);
    KAFKA.createTopic(other, 1);
    // An operator's DLT, made before Ferry ever ran, that takes far less than its input topic.
    KAFKA.createTopic(topic + ".dlt", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "65536"));
    byte[] bad = badEvent(300_000);
    produce(topic, goodEvents(topic, 0, 3)); // offsets 0..2
    produce(topic, List.of(bad)); // offset 3
    produce(topic, goodEvents(topic, 3, 3 + GOOD_AFTER)); // offsets 4..
    produce(other, goodEvents(other, 0, 10));
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .worker("threads", 1) // one lane: the other pipeline shares it with the halted one
            .morePipelines(
                """
                  - name: other
                    topics: [%s]
                    table: %s
                    columns: {event_id: /event_id, user_id: /user_id, type: /type, ts: /ts}
                """
                    .formatted(other, PG.qualified("events")));

    // First run: the pipeline halts on the bad record and stops cleanly while halted.
    try (RunningWorker first = RunningWorker.start(yaml.load())) {
      awaitHaltedOnTheBadRecord(first, topic, group);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, other) == 0);
      produce(other, goodEvents(other, 10, 20));
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("the other pipeline, on the same lane, goes on")
          .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, other) == 0);
    } // closed cleanly, exit code 0: a halted pipeline does not hold up the drain
    assertThat(GroupLag.committed(KAFKA.bootstrapServers(), group, topic))
        .as("nothing committed past the record that was not dead-lettered")
        .isEqualTo(3);
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt")).isEmpty();
    assertThat(PG.queryLong("SELECT count(*) FROM events WHERE type = 'fine-" + other + "'"))
        .isEqualTo(20);

    // Second run: the same again, until an operator raises the DLT's limit and resumes.
    try (RunningWorker second = RunningWorker.start(yaml.load())) {
      awaitHaltedOnTheBadRecord(second, topic, group);
      alterTopic(topic + ".dlt", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152");
      Scrape scrape = second.scrape();
      assertThat(scrape.post("/pipelines/events/resume").statusCode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> GroupLag.of(KAFKA.bootstrapServers(), group, topic) == 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> scrape.ready().statusCode() == 200);
      assertThat(scrape.sum("ferry_pipeline_dead_letter_too_large{pipeline=\"events\"}")).isZero();
    }
    List<ConsumerRecord<byte[], byte[]>> dlt =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dlt).hasSize(1);
    assertThat(dlt.get(0).value()).isEqualTo(bad);
    assertThat(DeadLetters.header(dlt.get(0), DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("3");
    assertThat(PG.queryLong("SELECT count(*) FROM events WHERE type = 'fine-" + topic + "'"))
        .isEqualTo(3 + GOOD_AFTER);
  }

  private static void awaitHaltedOnTheBadRecord(RunningWorker worker, String topic, String group)
      throws Exception {
    Scrape scrape = worker.scrape();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> scrape.ready().body().contains("dead-letter-too-large:events"));
    assertThat(worker.breaker().isHalted("events")).isTrue();
    assertThat(worker.breaker().isHalted("other")).isFalse();
    assertThat(scrape.sum("ferry_pipeline_dead_letter_too_large{pipeline=\"events\"}"))
        .isEqualTo(1);
    assertThat(scrape.sum("ferry_dead_letters_refused_total{reason=\"too-large\"}")).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> GroupLag.committed(KAFKA.bootstrapServers(), group, topic) == 3);
  }

  /**
   * A valid event but for its event_id, which is no UUID (so coercion refuses it), padded in {@code
   * attrs} to exactly {@code size} bytes.
   */
  private static byte[] badEvent(int size) {
    String head =
        "{\"event_id\":\"not-a-uuid\",\"user_id\":\"bad\",\"type\":\"poison\",\"amount\":1,"
            + "\"ts\":\"2026-01-01T00:00:00Z\",\"attrs\":{\"pad\":\"";
    String tail = "\"}}";
    return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(UTF_8);
  }

  /** Good events of type {@code fine-TOPIC}. */
  private static List<byte[]> goodEvents(String topic, int from, int to) {
    return java.util.stream.IntStream.range(from, to)
        .mapToObj(
            i ->
                ("{\"event_id\":\"%s\",\"user_id\":\"good\",\"type\":\"fine-%s\","
                        + "\"amount\":%d,\"ts\":\"2026-01-01T00:00:00Z\",\"attrs\":{}}")
                    .formatted(UUID.randomUUID(), topic, i)
                    .getBytes(UTF_8))
        .toList();
  }

  /** Sends the values in order, all with one key: one partition, one lane. */
  private static void produce(String topic, Collection<byte[]> values) {
    try (KafkaProducer<byte[], byte[]> producer =
        KAFKA.producer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024))) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, KEY.getBytes(UTF_8), value));
      }
      producer.flush();
    }
  }

  private static int maxMessageBytes(String topic) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return Integer.parseInt(
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get()
              .get(resource)
              .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
              .value());
    }
  }

  private static void alterTopic(String name, String key, String value) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, name),
                  List.of(
                      new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }
}
