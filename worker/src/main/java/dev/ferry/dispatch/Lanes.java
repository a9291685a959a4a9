package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import dev.ferry.source.RecordHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Routes records to lanes by key: {@code lane = murmur2(key) mod lanes}, so one key always meets
 * the same worker and keeps its order while different keys run in parallel, even within a single
 * partition. Records without a key are routed by partition, which keeps them in partition order.
 *
 * <p>Counts the records held (dispatched, not yet released by a worker) against {@code capacity}:
 * {@link #hasRoom()} turns false at capacity, the poll loop then pauses, so at most {@code capacity
 * - 1 + max.poll.records} records are ever held. Thread-safe.
 */
public final class Lanes implements RecordHandler {
  private final List<Lane> lanes;
  private final int capacity;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  public Lanes(int count, int capacity) {
    if (count < 1 || capacity < 1) {
      throw new IllegalArgumentException("lanes and capacity must be ≥ 1");
    }
    List<Lane> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      all.add(new Lane());
    }
    this.lanes = List.copyOf(all);
    this.capacity = capacity;
  }

  @Override
  public void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    int now = held.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
    lanes.get(laneOf(record)).add(new WorkItem(record, partition));
  }

  int laneOf(ConsumerRecord<byte[], byte[]> record) {
    int hash = record.key() == null ? record.partition() : Utils.murmur2(record.key());
    return Utils.toPositive(hash) % lanes.size();
  }

  @Override
  public int discardQueued(Predicate<PartitionState> which) {
    int dropped = 0;
    for (Lane lane : lanes) {
      dropped += lane.discard(which);
    }
    release(dropped);
    return dropped;
  }

  @Override
  public boolean hasRoom() {
    return held.get() < capacity;
  }

  @Override
  public int inMemory() {
    return held.get();
  }

  /** The highest number of records held at once since start. */
  public int peakInMemory() {
    return peak.get();
  }

  public int capacity() {
    return capacity;
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
  void release(int records) {
    held.addAndGet(-records);
  }
}
