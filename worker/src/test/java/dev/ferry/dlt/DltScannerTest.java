package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/**
 * Reading DLTs without Kafka: the scope's bounds, missing topics, and waits bounded by a setting.
 */
class DltScannerTest {
  private static final TopicPartition TP = new TopicPartition("events.dlt", 0);
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

  private static ConsumerRecord<byte[], byte[]> record(long offset) {
    return new ConsumerRecord<>(TP.topic(), 0, offset, null, ("v" + offset).getBytes(UTF_8));
  }

  @Test
  void readsFromTheStartToTheEndTheTopicHadWhenTheScopeWasTaken() throws Exception {
    DltScanner scanner =
        new DltScanner(
            consumer,
            FakeAdmin.of(Map.of(TP.topic(), 3L)),
            Duration.ofSeconds(5),
            Clock.systemUTC());
    DltScanner.Scope scope = scanner.scope(List.of(TP.topic()));
    assertThat(scope.size()).isEqualTo(3);
    // Offsets 3 and 4 arrive after the scope was taken.
    consumer.schedulePollTask(
        () -> List.of(0L, 1L, 2L, 3L, 4L).forEach(o -> consumer.addRecord(record(o))));
    List<Long> read = new ArrayList<>();
    List<Map<TopicPartition, Long>> polls = new ArrayList<>();

    scanner.scan(
        scope,
        Map.of(TP, 1L),
        new DltScanner.Visitor() {
          @Override
          public boolean record(ConsumerRecord<byte[], byte[]> r) {
            read.add(r.offset());
            return true;
          }

          @Override
          public void polled(Map<TopicPartition, Long> resumeAt) {
            polls.add(resumeAt);
          }
        });

    assertThat(read).containsExactly(1L, 2L);
    assertThat(polls).last().isEqualTo(Map.of(TP, 3L));
  }

  @Test
  void everyMissingTopicIsNamed() {
    DltScanner scanner =
        new DltScanner(
            consumer,
            FakeAdmin.of(Map.of(TP.topic(), 3L)),
            Duration.ofSeconds(5),
            Clock.systemUTC());

    assertThatThrownBy(() -> scanner.scope(List.of("a.dlt", TP.topic(), "b.dlt")))
        .isInstanceOf(DltException.class)
        .hasMessage("topics a.dlt, b.dlt do not exist");
  }

  @Test
  void aReadWithoutRecordsForTheApiTimeoutStopsAndSaysSo() throws Exception {
    Clock clock = new SteppingClock(NOW, Duration.ofSeconds(1));
    DltScanner scanner =
        new DltScanner(
            consumer, FakeAdmin.of(Map.of(TP.topic(), 3L)), Duration.ofSeconds(5), clock);
    DltScanner.Scope scope = scanner.scope(List.of(TP.topic()));

    assertThatThrownBy(() -> scanner.scan(scope, Map.of(), r -> true))
        .isInstanceOf(DltException.class)
        .hasMessage("reading [events.dlt-0] stalled: no records for 5s (kafka.api-timeout)");
  }

  @Test
  void anAdminCallWaitsNoLongerThanTheApiTimeout() {
    Admin silent =
        FakeAdmin.answering(names -> Map.of(TP.topic(), new KafkaFutureImpl<>()), Map.of());
    DltScanner scanner = new DltScanner(consumer, silent, Duration.ofMillis(50), Clock.systemUTC());

    assertThatThrownBy(() -> scanner.scope(List.of(TP.topic())))
        .isInstanceOf(DltException.class)
        .hasMessage("Kafka did not answer within 50ms (kafka.api-timeout) describing events.dlt");
  }
}
