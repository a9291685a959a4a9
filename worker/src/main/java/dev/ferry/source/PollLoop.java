package dev.ferry.source;

import dev.ferry.config.Durations;
import dev.ferry.errors.Backoff;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns the Kafka consumer: it polls, hands records to the dispatcher, pauses
 * and resumes partitions, commits completed offsets and reacts to rebalances.
 *
 * <p>It never blocks on a full dispatcher: when the dispatcher has no room, every assigned
 * partition is paused and the loop keeps polling (which returns nothing but keeps the group
 * membership alive), so a slow sink cannot cause a {@code max.poll.interval.ms} rebalance. Held
 * records are therefore bounded by the dispatcher's capacity plus one poll. Held bytes are bounded
 * strictly: a record the dispatcher has no byte room for is not handed over; its partition is
 * sought back to it, so it and the rest of the poll's records of that partition are fetched again
 * once there is room.
 *
 * <p>A newly assigned partition stays paused until it is claimed (see {@link PartitionClaimer});
 * its records that an earlier owner already applied are then completed without processing.
 *
 * <p>Offsets are committed only up to each partition's contiguous watermark of completed records
 * (see {@link OffsetCommitter}): on a timer, before a partition is given up in a rebalance, and at
 * the end of the drain.
 */
public final class PollLoop {
  private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final Consumer<byte[], byte[]> consumer;
  private final TopicSubscription subscription;
  private final RecordHandler handler;
  private final ClaimQueue claims;
  private final Clock clock;
  private final StopSignal stop;
  private final Predicate<String> haltedTopic;
  private final Predicate<ConsumerRecord<byte[], byte[]>> barrier;
  private final RebalanceCounters rebalances = new RebalanceCounters();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder consumed = new LongAdder();
  private final ProgressReadings readings = new ProgressReadings();
  private final Queue<Predicate<String>> restartRequests = new ConcurrentLinkedQueue<>();
  private final Set<String> discardedHaltedTopics = new HashSet<>();

  /** Owned by the poll thread. */
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

  /** Commits the watermarks of {@link #partitions}. */
  private final OffsetCommitter commits;

  private volatile int pausedPartitions;
  private volatile int assignedPartitions;
  private volatile boolean joined;
  private boolean draining;

  public PollLoop(
      Consumer<byte[], byte[]> consumer,
      TopicSubscription subscription,
      RecordHandler handler,
      PartitionClaimer claimer,
      Backoff claimBackoff,
      Predicate<String> haltedTopic,
      Predicate<ConsumerRecord<byte[], byte[]>> barrier,
      Duration commitInterval,
      Duration commitTimeout,
      Clock clock,
      StopSignal stop) {
    this.consumer = consumer;
    this.subscription = subscription;
    this.handler = handler;
    this.claims = new ClaimQueue(claimer, claimBackoff);
    this.haltedTopic = haltedTopic;
    this.barrier = barrier;
    this.commits = new OffsetCommitter(consumer, partitions, commitInterval, commitTimeout, clock);
    this.clock = clock;
    this.stop = stop;
  }

  /**
   * Polls until the stop signal is set, then drains: pauses everything, waits up to {@code
   * drainTimeout} for every record already taken from Kafka to complete, while still polling and
   * committing, and commits the final watermarks (so that the committed offsets are exactly what
   * was applied). The consumer is not closed here; the caller owns it.
   *
   * @return the number of records still held when the drain ended (0 for a complete drain)
   */
  public int run(Duration drainTimeout) {
    try {
      subscription.subscribe(consumer, new Listener());
      while (!stop.isStopped()) {
        collectClaims();
        takeRestartRequests();
        resetFencedPartitions();
        dropHaltedWork();
        applyPauses();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
        dispatch(records);
        commitIfDue();
      }
      return drain(drainTimeout);
    } finally {
      claims.close();
    }
  }

  private void dispatch(ConsumerRecords<byte[], byte[]> records) {
    Set<TopicPartition> rewound = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      PartitionState state = partitions.get(tp);
      if (state == null || state.isRetired()) {
        // Revoked or fenced: a fenced partition is re-read from its watermark when re-claimed.
        continue;
      }
      if (rewound.contains(tp)) {
        continue; // the rest of a partition that was sought back below: fetched again later
      }
      if (!state.isClaimed()
          || !state.mayHandOver(barrier.test(record))
          || !handler.hasRoomFor(record, state)) {
        // Unclaimed, behind a barrier, no room (bytes, rate): read it and the rest again later.
        rewound.add(tp);
        consumer.seek(tp, record.offset());
        continue;
      }
      consumed.increment();
      state.offsets().dispatched(record.offset(), record.timestamp());
      if (state.takeAlreadyApplied(record.offset())) {
        state.complete(record.offset());
        skipped.increment();
        continue;
      }
      handler.handle(record, state);
    }
  }

  private void collectClaims() {
    for (ClaimQueue.Done done = claims.poll(); done != null; done = claims.poll()) {
      PartitionState state = done.state();
      if (partitions.get(state.partition()) == state && !state.isRetired()) {
        state.claimed(done.claim());
      }
    }
  }

  /**
   * Asks the loop to start the partitions of the {@code topics} it holds over from their
   * watermarks, as after a fencing: used when a halted pipeline resumes, since its dropped records
   * must be read again. Thread-safe.
   */
  public void restart(Predicate<String> topics) {
    restartRequests.add(topics);
  }

  private void takeRestartRequests() {
    for (Predicate<String> t = restartRequests.poll(); t != null; t = restartRequests.poll()) {
      discardedHaltedTopics.removeIf(t);
      for (PartitionState state : partitions.values()) {
        if (t.test(state.partition().topic())) {
          state.fence();
        }
      }
    }
  }

  /** Drops the queued records of halted pipelines once per halt; they stay uncommitted. */
  private void dropHaltedWork() {
    for (PartitionState state : partitions.values()) {
      String topic = state.partition().topic();
      if (haltedTopic.test(topic) && discardedHaltedTopics.add(topic)) {
        int dropped = handler.discardQueued(s -> s.partition().topic().equals(topic));
        log.warn("topic {} paused or halted: {} queued records dropped", topic, dropped);
      }
    }
  }

  /**
   * A worker found another epoch on a partition that Kafka still assigns to us (a late claim by a
   * previous owner, for instance): start the partition over from its watermark and claim it again.
   * If the partition really moved, the revocation follows and ends it for good.
   */
  private void resetFencedPartitions() {
    List<PartitionState> fenced = new ArrayList<>();
    for (PartitionState state : partitions.values()) {
      if (state.isFenced()) {
        fenced.add(state);
      }
    }
    for (PartitionState old : fenced) {
      TopicPartition tp = old.partition();
      handler.discardQueued(s -> s == old);
      OptionalLong watermark = old.offsets().watermark();
      PartitionState fresh = new PartitionState(tp);
      partitions.put(tp, fresh);
      if (watermark.isPresent()) {
        consumer.seek(tp, watermark.getAsLong());
      }
      claims.submit(fresh);
      log.warn(
          "{} was fenced by another claim while still assigned here; re-claiming it and re-reading"
              + " from offset {}",
          tp,
          watermark.isPresent() ? watermark.getAsLong() : "(committed)");
    }
  }

  /**
   * Pauses exactly the partitions that must not be fetched now: all of them while the dispatcher is
   * full or while draining, otherwise the ones not claimed, halted or held back by the handler.
   */
  private void applyPauses() {
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> wanted = new HashSet<>();
    if (draining || !handler.hasRoom()) {
      wanted.addAll(assigned);
    } else {
      for (TopicPartition tp : assigned) {
        PartitionState state = partitions.get(tp);
        if (state == null
            || !state.isClaimed()
            || state.heldByBarrier()
            || haltedTopic.test(tp.topic())
            || handler.holdsBack(tp.topic())) {
          wanted.add(tp);
        }
      }
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    wanted.removeAll(paused);
    if (!wanted.isEmpty()) {
      consumer.pause(wanted);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    pausedPartitions = consumer.paused().size();
  }

  private int drain(Duration timeout) {
    draining = true;
    long deadline = clock.millis() + timeout.toMillis();
    applyPauses();
    log.info(
        "draining: finishing {} records taken from Kafka, waiting up to {}",
        handler.inMemory(),
        Durations.format(timeout));
    while (handler.inMemory() > 0 && clock.millis() < deadline) {
      // Keep polling so the group membership and commits stay alive; nothing is returned while
      // every partition is paused, and anything returned anyway is not dispatched (not committed).
      consumer.poll(Duration.ofMillis(Math.min(50, Math.max(1, deadline - clock.millis()))));
      applyPauses();
      commitIfDue();
    }
    commits.commitSync(partitions.keySet());
    return handler.inMemory();
  }

  /** Once per commit interval: new progress readings, and an asynchronous commit. */
  private void commitIfDue() {
    if (commits.due()) {
      readings.refresh(consumer, partitions);
      commits.commitAsync();
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

  /** Whether the consumer has completed a join of its group. */
  public boolean hasJoined() {
    return joined;
  }

  /** Records returned by polls and handed on (or skipped as already applied). */
  public long consumed() {
    return consumed.sum();
  }

  /** The consumer's lag per owned partition, as of the last commit interval. */
  public Map<TopicPartition, Long> lags() {
    return readings.lags();
  }

  /**
   * Milliseconds since the timestamp of the oldest record taken from Kafka and not yet completed,
   * as of the last commit interval; 0 when none is pending.
   */
  public long oldestUncommittedAgeMillis() {
    return readings.oldestPendingAgeMillis(clock.millis());
  }

  /** Records completed without processing because an earlier owner had applied them. */
  public long skippedAsApplied() {
    return skipped.sum();
  }

  /** The last offset committed for each partition owned now. Thread-safe view. */
  public Map<TopicPartition, Long> committedOffsets() {
    return commits.committedOffsets();
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      rebalances.revoked();
      // Retire first so that the watermarks cannot move any more, then commit what is complete.
      Set<PartitionState> gone = retire(revoked);
      commits.commitSync(revoked);
      forget(revoked, gone);
      log.info("partitions revoked: {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      if (lost.isEmpty()) {
        return;
      }
      rebalances.lost();
      forget(lost, retire(lost));
      log.warn("partitions lost (another member may own them now): {}", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      joined = true; // called after every completed rebalance, also with nothing assigned
      if (assigned.isEmpty()) {
        return;
      }
      rebalances.assigned();
      // Paused until claimed: nothing of them is fetched before their epoch is ours.
      consumer.pause(assigned);
      claims.assigned(assigned);
      for (TopicPartition tp : assigned) {
        PartitionState state = new PartitionState(tp);
        partitions.put(tp, state);
        claims.submit(state);
      }
      assignedPartitions = partitions.size();
      log.info("partitions assigned: {}", assigned);
    }

    private Set<PartitionState> retire(Collection<TopicPartition> tps) {
      Set<PartitionState> gone = new HashSet<>();
      for (TopicPartition tp : tps) {
        PartitionState state = partitions.get(tp);
        if (state != null) {
          state.retire();
          gone.add(state);
        }
      }
      return gone;
    }

    private void forget(Collection<TopicPartition> tps, Set<PartitionState> gone) {
      int dropped = handler.discardQueued(gone::contains);
      tps.forEach(partitions::remove);
      commits.forget(tps);
      assignedPartitions = partitions.size();
      if (dropped > 0) {
        log.info("dropped {} queued records of partitions given up", dropped);
      }
    }
  }
}
