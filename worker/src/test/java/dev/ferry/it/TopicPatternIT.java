package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pipeline with a {@code topic-pattern} consumes the two topics that match at start, then a third
 * created while it runs (within the 2 s topic refresh interval and a rebalance), whose bad record
 * lands on the third topic's own dead-letter topic, created by Ferry with its partition count. The
 * dead-letter topics, which the pattern matches by name, are never consumed: neither those Ferry
 * created nor one of the same shape that was there before.
 */
@Timeout(90)
class TopicPatternIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-topic-pattern";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aTopicCreatedWhileRunningIsPickedUpWithItsOwnDeadLetterTopic() throws Exception {
    String base = KAFKA.uniqueTopic("shop");
    String a = base + ".a";
    String b = base + ".b";
    String c = base + ".c";
    String strayDlt = base + ".gone.dlt"; // a DLT whose input topic no longer exists
    KAFKA.createTopic(a, 2);
    KAFKA.createTopic(b, 1);
    KAFKA.createTopic(strayDlt, 1);
    KAFKA.produce(a, "u1", event(1, "u1"));
    KAFKA.produce(a, "u2", event(2, "u2"));
    KAFKA.produce(b, "u3", event(3, "u3"));
    KAFKA.produce(strayDlt, "u9", event(9, "u9"));

    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, "unused")
            .withoutEventsPipeline()
            .group(GROUP)
            .kafka("topic-refresh-interval", "2s")
            .morePipelines(
                """
                  - name: shop
                    topic-pattern: '%s\\..+'
                    table: %s
                    columns:
                      event_id: /event_id
                      user_id: /user_id
                      type: "@topic"
                      ts: /ts
                """
                    .formatted(base, PG.qualified("events")));
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rows().size() == 3);

      KAFKA.createTopic(c, 3);
      KAFKA.produce(c, "u4", event(4, "u4"));
      KAFKA.produce(c, "u5", "{not json");
      KAFKA.produce(c, "u6", event(6, "u6"));
      await().atMost(Duration.ofSeconds(30)).until(() -> rows().size() == 5);
      await().atMost(Duration.ofSeconds(10)).until(() -> committedTopics().equals(Set.of(a, b, c)));

      assertThat(rows())
          .containsExactlyInAnyOrder(
              List.of("u1", a),
              List.of("u2", a),
              List.of("u3", b),
              List.of("u4", c),
              List.of("u6", c));
      assertThat(worker.counters().deadLettered()).isEqualTo(1);
    }
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), c + ".dlt");
    assertThat(dead).hasSize(1);
    ConsumerRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(new String(letter.value(), UTF_8)).isEqualTo("{not json");
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(c);
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.PIPELINE)).isEqualTo("shop");
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.STAGE)).isEqualTo("decode");
    assertThat(DeadLetters.header(letter, DeadLetterHeaders.REASON)).isEqualTo("invalid-json");
    try (Admin admin = KAFKA.admin()) {
      assertThat(
              admin
                  .describeTopics(List.of(c + ".dlt"))
                  .allTopicNames()
                  .get()
                  .get(c + ".dlt")
                  .partitions())
          .as("created by Ferry with its input's partitions, not by the broker on first use")
          .hasSize(3);
      assertThat(admin.listTopics().names().get()).contains(a + ".dlt", b + ".dlt");
    }
    assertThat(DeadLetters.readAll(KAFKA.bootstrapServers(), a + ".dlt")).isEmpty();
  }

  private static String event(int n, String user) {
    return """
        {"event_id": "00000000-0000-0000-0000-00000000000%d", "user_id": "%s",
         "ts": "2026-12-01T00:00:00Z"}
        """
        .formatted(n, user);
  }

  /** (user_id, topic) of every row. */
  private static List<List<String>> rows() {
    return PG.queryRows("SELECT user_id, type FROM events").stream()
        .map(r -> List.of((String) r.get("user_id"), (String) r.get("type")))
        .toList();
  }

  /** The topics the group has committed offsets for. */
  private static Set<String> committedTopics() throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, ?> offsets =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      return offsets.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
    }
  }
}
