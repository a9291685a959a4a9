package dev.ferry.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit rules on Kafka's own {@link MockConsumer} and a manual clock: once per interval, only
 * contiguous watermarks, failures not recorded and cured by the next commit. (PollLoopTest and the
 * integration tests cover the commits as the poll loop makes them.)
 */
class OffsetCommitterTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  /** A consumer whose commits fail while {@link #failing} is set, as a broker that is away. */
  private static final class FlakyConsumer extends MockConsumer<byte[], byte[]> {
    final AtomicBoolean failing = new AtomicBoolean();

    FlakyConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      if (failing.get()) {
        callback.onComplete(offsets, new TimeoutException("no coordinator"));
      } else {
        super.commitAsync(offsets, callback);
      }
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
      if (failing.get()) {
        throw new TimeoutException("no coordinator within " + timeout);
      }
      super.commitSync(offsets, timeout);
    }
  }

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FlakyConsumer consumer = new FlakyConsumer();
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final OffsetCommitter commits =
      new OffsetCommitter(consumer, partitions, INTERVAL, Duration.ofSeconds(1), clock);

  @BeforeEach
  void assign() {
    consumer.assign(List.of(P0, P1));
  }

  private PartitionState owned(TopicPartition tp, long... dispatched) {
    PartitionState state = new PartitionState(tp);
    for (long offset : dispatched) {
      state.offsets().dispatched(offset);
    }
    partitions.put(tp, state);
    return state;
  }

  private Long kafkaCommitted(TopicPartition tp) {
    OffsetAndMetadata offset = consumer.committed(Set.of(tp)).get(tp);
    return offset == null ? null : offset.offset();
  }

  @Test
  void dueOncePerIntervalCountedFromTheLastDue() {
    assertThat(commits.due()).as("not before the first interval").isFalse();
    clock.advance(INTERVAL.minusMillis(1));
    assertThat(commits.due()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(commits.due()).isTrue();
    assertThat(commits.due()).as("once").isFalse();
    clock.advance(INTERVAL.plusSeconds(3));
    assertThat(commits.due()).isTrue();
    clock.advance(INTERVAL.minusMillis(1));
    assertThat(commits.due()).as("counted from the last due, not from the schedule").isFalse();
  }

  @Test
  void onlyTheContiguousWatermarkOfEachPartitionIsCommitted() {
    PartitionState p0 = owned(P0, 0, 1, 2, 3);
    PartitionState p1 = owned(P1, 7);
    p0.complete(0);
    p0.complete(2);
    p0.complete(3); // 1 is still in flight

    commits.commitAsync();

    assertThat(kafkaCommitted(P0)).isEqualTo(1L);
    assertThat(kafkaCommitted(P1)).as("up to its first record, still pending").isEqualTo(7L);
    assertThat(commits.committedOffsets()).isEqualTo(Map.of(P0, 1L, P1, 7L));
    assertThat(p0.offsets().toCommit()).as("recorded in the tracker").isEmpty();
    assertThat(p1.offsets().toCommit()).isEmpty();

    p0.complete(1);
    commits.commitAsync();
    assertThat(commits.committedOffsets()).isEqualTo(Map.of(P0, 4L, P1, 7L));
  }

  @Test
  void aFailedAsynchronousCommitIsNotRecordedAndTheNextOneCommitsTheSameWatermark() {
    PartitionState p0 = owned(P0, 0, 1);
    p0.complete(0);
    consumer.failing.set(true);

    commits.commitAsync();

    assertThat(kafkaCommitted(P0)).isNull();
    assertThat(commits.committedOffsets()).isEmpty();
    assertThat(p0.offsets().toCommit()).hasValue(1);

    consumer.failing.set(false);
    commits.commitAsync();
    assertThat(kafkaCommitted(P0)).isEqualTo(1L);
    assertThat(commits.committedOffsets()).isEqualTo(Map.of(P0, 1L));
  }

  @Test
  void aFailedSynchronousCommitIsNotFatalAndNotRecorded() {
    PartitionState p0 = owned(P0, 0);
    p0.complete(0);
    consumer.failing.set(true);

    commits.commitSync(List.of(P0));

    assertThat(commits.committedOffsets()).isEmpty();
    assertThat(p0.offsets().toCommit()).hasValue(1);
  }

  @Test
  void aSynchronousCommitTakesOnlyTheOwnedPartitionsItIsGiven() {
    owned(P0, 0).complete(0);
    owned(P1, 0).complete(0);

    commits.commitSync(List.of(P1, new TopicPartition("gone", 0)));

    assertThat(kafkaCommitted(P0)).isNull();
    assertThat(kafkaCommitted(P1)).isEqualTo(1L);
    assertThat(commits.committedOffsets()).isEqualTo(Map.of(P1, 1L));
  }

  @Test
  void forgottenPartitionsLeaveTheCommittedOffsets() {
    owned(P0, 0).complete(0);
    owned(P1, 0).complete(0);
    commits.commitAsync();

    partitions.remove(P0);
    commits.forget(List.of(P0));

    assertThat(commits.committedOffsets()).isEqualTo(Map.of(P1, 1L));
  }
}
