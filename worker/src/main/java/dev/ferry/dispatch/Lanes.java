package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import dev.ferry.source.RecordHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Routes records to lanes by key: {@code lane = murmur2(key) mod lanes}, so one key always meets
 * the same worker and keeps its order while different keys run in parallel, even within a single
 * partition. Records without a key are routed by partition, which keeps them in partition order.
 *
 * <p>Counts the records held (dispatched, not yet released by a worker) against two limits,
 * whichever is reached first:
 *
 * <ul>
 *   <li>{@code capacity} records: {@link #hasRoom()} turns false at capacity, the poll loop then
 *       pauses, so at most {@code capacity - 1 + max.poll.records} records are ever held;
 *   <li>{@code byteLimit} bytes of {@link RecordCost}: {@link #hasRoomFor} admits a record only if
 *       its cost fits beside what is held, so the bytes held never exceed the limit, except for one
 *       record costing more than the whole limit, which is admitted alone when nothing else is
 *       held.
 * </ul>
 *
 * <p>The first record refused for want of bytes is <em>waiting</em>: {@link #hasRoom()} stays false
 * until it would fit (so the poll loop does not fetch it again and again meanwhile), and other
 * records are admitted only if they leave room for it, so a large record is not starved by a stream
 * of small ones from other partitions. The wait ends when the record is admitted or its partition's
 * queued records are discarded (revoked, fenced, halted), since it will not come back then.
 *
 * <p>Thread-safe.
 */
public final class Lanes implements RecordHandler {
  private final List<Lane> lanes;
  private final int capacity;
  private final long byteLimit;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicLong peakBytes = new AtomicLong();

  /** A record refused for want of bytes, for which the room that frees up is kept. */
  private record Waiting(PartitionState partition, long offset, long cost) {
    boolean is(ConsumerRecord<byte[], byte[]> record, PartitionState state) {
      return partition == state && offset == record.offset();
    }
  }

  /** Written by the poll thread only; null when no record waits. */
  private volatile Waiting waiting;

  /** Lanes bounded by records only. */
  public Lanes(int count, int capacity) {
    this(count, capacity, Long.MAX_VALUE);
  }

  public Lanes(int count, int capacity, long byteLimit) {
    if (count < 1 || capacity < 1 || byteLimit < 1) {
      throw new IllegalArgumentException("lanes, capacity and byte limit must be ≥ 1");
    }
    List<Lane> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(new Lane());
    }
    this.lanes = List.copyOf(all);
    this.capacity = capacity;
    this.byteLimit = byteLimit;
  }

  @Override
  public void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    WorkItem item = new WorkItem(record, partition);
    int now = held.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
    long bytes = heldBytes.addAndGet(item.cost());
    peakBytes.accumulateAndGet(bytes, Math::max);
    lanes.get(laneOf(record)).add(item);
  }

  int laneOf(ConsumerRecord<byte[], byte[]> record) {
    int hash = record.key() == null ? record.partition() : Utils.murmur2(record.key());
    return Utils.toPositive(hash) % lanes.size();
  }

  /**
   * Whether {@code record} may be handed over now: its cost fits beside the bytes held and the
   * record waiting for room, if any; or nothing is held and nothing waits. The first refusal makes
   * the record wait (see the class comment). Poll thread only.
   */
  @Override
  public boolean hasRoomFor(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    long cost = RecordCost.of(record);
    Waiting w = waiting;
    if (w != null && w.is(record, partition)) {
      if (fits(cost, 0)) {
        waiting = null;
        return true;
      }
      return false;
    }
    if (fits(cost, w == null ? 0 : w.cost())) {
      return true;
    }
    if (w == null) {
      waiting = new Waiting(partition, record.offset(), cost);
    }
    return false;
  }

  private boolean fits(long cost, long reserved) {
    long bytes = heldBytes.get();
    return (bytes == 0 && reserved == 0) || bytes + reserved + cost <= byteLimit;
  }

  @Override
  public int discardQueued(Predicate<PartitionState> which) {
    Waiting w = waiting;
    if (w != null && which.test(w.partition())) {
      waiting = null;
    }
    int dropped = 0;
    for (Lane lane : lanes) {
      List<WorkItem> items = lane.discard(which);
      release(items);
      dropped += items.size();
    }
    return dropped;
  }

  @Override
  public boolean hasRoom() {
    Waiting w = waiting;
    return held.get() < capacity && fits(w == null ? 1 : w.cost(), 0);
  }

  @Override
  public int inMemory() {
    return held.get();
  }

  /** The highest number of records held at once since start. */
  public int peakInMemory() {
    return peak.get();
  }

  /** The cost ({@link RecordCost}) of the records held now, in bytes. */
  public long bytesInMemory() {
    return heldBytes.get();
  }

  /** The highest {@link #bytesInMemory()} since start. */
  public long peakBytesInMemory() {
    return peakBytes.get();
  }

  public int capacity() {
    return capacity;
  }

  /** The byte limit of the records held; {@link Long#MAX_VALUE} when bounded by records only. */
  public long byteLimit() {
    return byteLimit;
  }

  public int count() {
    return lanes.size();
  }

  public int depth(int lane) {
    return lanes.get(lane).depth();
  }

  Lane lane(int index) {
    return lanes.get(index);
  }

  /** Called by a worker when records leave memory (completed, dropped or abandoned). */
  void release(Collection<WorkItem> items) {
    long bytes = 0;
    for (WorkItem item : items) {
      bytes += item.cost();
    }
    heldBytes.addAndGet(-bytes);
    held.addAndGet(-items.size());
  }
}
