package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.source.PartitionState;
import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The hand-over decorator: a throttled pipeline's records are refused (not taken, so the poll loop
 * reads them again) and its topics held back, while other pipelines and the lanes' own bounds are
 * left as they were.
 */
class RateLimitedHandlerTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T04:00:00Z"));
  private final TokenBucket slow = new TokenBucket(clock);
  private final TokenBucket free = new TokenBucket(clock);
  private final Lanes lanes = new Lanes(2, 1_000);
  private final RateLimitedHandler handler =
      new RateLimitedHandler(
          lanes,
          Map.of("slow", slow, "free", free),
          topic ->
              switch (topic) {
                case "s" -> Optional.of("slow");
                case "f" -> Optional.of("free");
                default -> Optional.empty();
              });
  private final PartitionState s0 = new PartitionState(new TopicPartition("s", 0));
  private final PartitionState f0 = new PartitionState(new TopicPartition("f", 0));

  private static ConsumerRecord<byte[], byte[]> record(String topic, long offset) {
    return new ConsumerRecord<>(topic, 0, offset, ("k" + offset).getBytes(), "{}".getBytes());
  }

  /** Hands over records of {@code state} as the poll loop does, until one is refused. */
  private int handOver(PartitionState state, long from, int upTo) {
    int handed = 0;
    for (long o = from; o < from + upTo; o++) {
      ConsumerRecord<byte[], byte[]> r = record(state.partition().topic(), o);
      if (!handler.hasRoomFor(r, state)) {
        break;
      }
      handler.handle(r, state);
      handed++;
    }
    return handed;
  }

  @Test
  void aPipelineWithoutTokensIsRefusedAndHeldBackWhileTheOthersGoOn() {
    slow.setRate(OptionalDouble.of(3));

    assertThat(handOver(s0, 0, 10)).isEqualTo(3);
    assertThat(handler.holdsBack("s")).isTrue();
    assertThat(handOver(f0, 0, 10)).isEqualTo(10);
    assertThat(handler.holdsBack("f")).isFalse();
    assertThat(handler.holdsBack("unknown")).isFalse();
    assertThat(handler.hasRoom()).isTrue(); // the lanes are not full: only "s" waits
    assertThat(handler.inMemory()).isEqualTo(13);

    clock.advance(Duration.ofMillis(500)); // 1.5 tokens: half the bucket of 3
    assertThat(handler.holdsBack("s")).isFalse();
    assertThat(handOver(s0, 3, 10)).isEqualTo(1);
  }

  @Test
  void aRecordAlreadyAppliedTakesNoToken() {
    slow.setRate(OptionalDouble.of(2));
    ConsumerRecord<byte[], byte[]> r = record("s", 0);

    // The poll loop asks, then completes a record an earlier owner applied without handing it on.
    assertThat(handler.hasRoomFor(r, s0)).isTrue();
    assertThat(handler.hasRoomFor(r, s0)).isTrue();
    assertThat(handOver(s0, 0, 10)).isEqualTo(2);
  }

  @Test
  void aRefusalForTheRateLeavesNoByteWaitInTheLanes() {
    Lanes small = new Lanes(1, 1_000, 10_000);
    RateLimitedHandler h =
        new RateLimitedHandler(small, Map.of("slow", slow), topic -> Optional.of("slow"));
    slow.setRate(OptionalDouble.of(1));
    ConsumerRecord<byte[], byte[]> first = record("s", 0);
    assertThat(h.hasRoomFor(first, s0)).isTrue();
    h.handle(first, s0);

    assertThat(h.hasRoomFor(record("s", 1), s0)).isFalse();
    assertThat(h.hasRoom()).isTrue(); // the lanes were not asked: nothing waits for bytes
  }
}
