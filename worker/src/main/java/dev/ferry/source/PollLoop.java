package dev.ferry.source;

import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns the Kafka consumer: it polls, hands records to the dispatcher, pauses
 * and resumes partitions for backpressure, commits completed offsets and reacts to rebalances.
 *
 * <p>It never blocks on a full dispatcher: when the dispatcher has no room, every assigned
 * partition is paused and the loop keeps polling (which returns nothing but keeps the group
 * membership alive), so a slow sink cannot cause a {@code max.poll.interval.ms} rebalance. Held
 * records are therefore bounded by the dispatcher's capacity plus one poll.
 *
 * <p>Offsets are committed only up to each partition's contiguous watermark of completed records:
 * on a timer, before a partition is given up in a rebalance, and at the end of the drain.
 */
public final class PollLoop {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<byte[], byte[]> consumer;
  private final Collection<String> topics;
  private final RecordHandler handler;
  private final Duration commitInterval;
  private final Clock clock;
  private final StopSignal stop;
  private final RebalanceCounters rebalances = new RebalanceCounters();

  /** Owned by the poll thread; read elsewhere only through the volatile counters below. */
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  private volatile int pausedPartitions;
  private volatile int assignedPartitions;
  private boolean paused;
  private boolean draining;
  private long nextCommitAtMillis;

  public PollLoop(
      Consumer<byte[], byte[]> consumer,
      Collection<String> topics,
      RecordHandler handler,
      Duration commitInterval,
      Clock clock,
      StopSignal stop) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.handler = handler;
    this.commitInterval = commitInterval;
    this.clock = clock;
    this.stop = stop;
  }

  /**
   * Polls until the stop signal is set, then drains: pauses everything, waits up to {@code
   * drainTimeout} for the dispatched records to complete while still polling and committing, and
   * commits the final watermarks. The consumer is not closed here; the caller owns it.
   *
   * @return the number of records still held when the drain ended (0 for a complete drain)
   */
  public int run(Duration drainTimeout) {
    consumer.subscribe(topics, new Listener());
    nextCommitAtMillis = clock.millis() + commitInterval.toMillis();
    while (!stop.isStopped()) {
      applyBackpressure();
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
      dispatch(records);
      commitIfDue();
    }
    return drain(drainTimeout);
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      PartitionState state = partitions.get(new TopicPartition(record.topic(), record.partition()));
      if (state == null) {
        // Cannot happen with the consumer's own assignment; guard rather than mis-track.
        log.warn(
            "dropping record of unassigned partition {}-{} at offset {}",
            record.topic(),
            record.partition(),
            record.offset());
        continue;
      }
      state.offsets().dispatched(record.offset());
      handler.handle(record, state);
    }
  }

  private void applyBackpressure() {
    if (!handler.hasRoom()) {
      if (!paused) {
        consumer.pause(consumer.assignment());
        paused = true;
        log.debug(
            "paused {} partitions: {} records in memory", assignedPartitions, handler.inMemory());
      }
    } else if (paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
    pausedPartitions = paused ? consumer.paused().size() : 0;
  }

  private int drain(Duration timeout) {
    draining = true;
    long deadline = clock.millis() + timeout.toMillis();
    consumer.pause(consumer.assignment());
    pausedPartitions = consumer.paused().size();
    int dropped = handler.discardQueued();
    log.info(
        "draining: {} queued records left for the next owner, {} in flight, waiting up to {} ms",
        dropped,
        handler.inMemory(),
        timeout.toMillis());
    while (handler.inMemory() > 0 && clock.millis() < deadline) {
      // Keep polling so the group membership and commits stay alive; nothing is returned while
      // every partition is paused, and anything returned anyway is not dispatched (not committed).
      consumer.poll(Duration.ofMillis(Math.min(50, Math.max(1, deadline - clock.millis()))));
      consumer.pause(consumer.assignment());
      commitIfDue();
    }
    commitSync(committable(partitions.keySet()));
    return handler.inMemory();
  }

  private void commitIfDue() {
    long now = clock.millis();
    if (now < nextCommitAtMillis) {
      return;
    }
    nextCommitAtMillis = now + commitInterval.toMillis();
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(
        offsets,
        (committed, error) -> {
          if (error != null) {
            log.warn("offset commit failed, will retry on the next interval: {}", error.toString());
            return;
          }
          committed.forEach(
              (tp, offset) -> {
                PartitionState state = partitions.get(tp);
                if (state != null) {
                  state.offsets().committed(offset.offset());
                }
              });
        });
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : which) {
      PartitionState state = partitions.get(tp);
      if (state != null) {
        state
            .offsets()
            .toCommit()
            .ifPresent(offset -> offsets.put(tp, new OffsetAndMetadata(offset)));
      }
    }
    return offsets;
  }

  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, COMMIT_TIMEOUT);
      offsets.forEach(
          (tp, offset) -> {
            PartitionState state = partitions.get(tp);
            if (state != null) {
              state.offsets().committed(offset.offset());
            }
          });
      log.debug("committed {}", offsets);
    } catch (RuntimeException e) {
      // Not fatal: the records will be read again by the next owner of the partition.
      log.warn("synchronous offset commit of {} failed: {}", offsets.keySet(), e.toString());
    }
  }

  /** Rebalance counters, for tests and metrics. */
  public RebalanceCounters rebalances() {
    return rebalances;
  }

  public int pausedPartitions() {
    return pausedPartitions;
  }

  public int assignedPartitions() {
    return assignedPartitions;
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      rebalances.revoked();
      // Retire first so that the watermarks cannot move any more, then commit what is complete.
      revoked.forEach(tp -> retire(tp));
      commitSync(committable(revoked));
      revoked.forEach(partitions::remove);
      assignedPartitions = partitions.size();
      log.info("partitions revoked: {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      if (lost.isEmpty()) {
        return;
      }
      rebalances.lost();
      lost.forEach(tp -> retire(tp));
      lost.forEach(partitions::remove);
      assignedPartitions = partitions.size();
      log.warn("partitions lost (another member may own them now): {}", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (assigned.isEmpty()) {
        return;
      }
      rebalances.assigned();
      assigned.forEach(tp -> partitions.put(tp, new PartitionState(tp)));
      assignedPartitions = partitions.size();
      if (draining || paused) {
        consumer.pause(assigned);
      }
      log.info("partitions assigned: {}", assigned);
    }

    private void retire(TopicPartition tp) {
      PartitionState state = partitions.get(tp);
      if (state != null) {
        state.retire();
      }
    }
  }
}
