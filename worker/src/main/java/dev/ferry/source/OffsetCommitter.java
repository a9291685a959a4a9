package dev.ferry.source;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the poll loop's completed offsets to Kafka: for each partition, only the contiguous
 * watermark of its completed records ({@link OffsetTracker#toCommit()}), so that a committed offset
 * never passes a record that is not yet in Postgres or the DLT.
 *
 * <p>Two ways: {@link #commitAsync()}, once per commit interval (when {@link #due()} says so),
 * whose failure is logged and cured by the next interval's commit; and {@link #commitSync}, bounded
 * by the commit timeout, before partitions are given up in a rebalance and at the end of the drain,
 * whose failure is logged and not fatal (the next owner of the partitions reads the records again).
 * A successful commit is recorded in the partition's tracker and in {@link #committedOffsets()}.
 *
 * <p>Poll thread only, like the consumer (an asynchronous commit's callback runs inside a later
 * call of the consumer), except {@link #committedOffsets()}, which any thread may read.
 */
final class OffsetCommitter {
  private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);

  private final Consumer<?, ?> consumer;
  private final Map<TopicPartition, PartitionState> partitions;
  private final Duration interval;
  private final Duration timeout;
  private final Clock clock;

  /** Last committed offset per owned partition, for the marker cleanup. */
  private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

  private long nextCommitAtMillis;

  /**
   * @param partitions the poll loop's owned partitions, read (never changed) here: what is
   *     committed
   * @param interval how often {@link #due()} is true
   * @param timeout how long a {@link #commitSync} may wait for the broker
   */
  OffsetCommitter(
      Consumer<?, ?> consumer,
      Map<TopicPartition, PartitionState> partitions,
      Duration interval,
      Duration timeout,
      Clock clock) {
    this.consumer = consumer;
    this.partitions = partitions;
    this.interval = interval;
    this.timeout = timeout;
    this.clock = clock;
    this.nextCommitAtMillis = clock.millis() + interval.toMillis();
  }

  /** True once per commit interval, measured from the previous true (or from construction). */
  boolean due() {
    long now = clock.millis();
    if (now < nextCommitAtMillis) {
      return false;
    }
    nextCommitAtMillis = now + interval.toMillis();
    return true;
  }

  /** Commits every owned partition's watermark without waiting; nothing when none moved. */
  void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (done, error) -> {
          if (error != null) {
            log.warn("offset commit failed, will retry on the next interval: {}", error.toString());
          } else {
            recordCommitted(done);
          }
        });
  }

  /** Commits the watermarks of {@code which} (those still owned), waiting up to the timeout. */
  void commitSync(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(which);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, timeout);
      recordCommitted(offsets);
      log.debug("committed {}", offsets);
    } catch (RuntimeException e) {
      // Not fatal: the records will be read again by the next owner of the partition.
      log.warn("synchronous offset commit of {} failed: {}", offsets.keySet(), e.toString());
    }
  }

  /** Forgets the committed offsets of partitions no longer owned. */
  void forget(Collection<TopicPartition> gone) {
    gone.forEach(committed::remove);
  }

  /** The last offset committed for each partition owned now. Thread-safe copy. */
  Map<TopicPartition, Long> committedOffsets() {
    return Map.copyOf(committed);
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : which) {
      PartitionState state = partitions.get(tp);
      if (state != null) {
        followPosition(tp, state);
        state
            .offsets()
            .toCommit()
            .ifPresent(offset -> offsets.put(tp, new OffsetAndMetadata(offset)));
      }
    }
    return offsets;
  }

  /**
   * Moves an idle partition's watermark to the consumer's position (past commit markers); nothing
   * while records are pending, before the partition is claimed, or when the consumer does not know
   * its position yet (never waits for it).
   */
  private void followPosition(TopicPartition tp, PartitionState state) {
    if (!state.isClaimed() || state.isRetired() || state.offsets().pendingCount() > 0) {
      return;
    }
    try {
      state.offsets().positionAt(consumer.position(tp, Duration.ZERO));
    } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException e) {
      // Not known yet (or no longer assigned): the next commit tries again.
    }
  }

  private void recordCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, offset) -> {
          PartitionState state = partitions.get(tp);
          if (state != null) {
            state.offsets().committed(offset.offset());
            committed.merge(tp, offset.offset(), Math::max);
          }
        });
  }
}
