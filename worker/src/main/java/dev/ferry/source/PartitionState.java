package dev.ferry.source;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition as the poll loop and the workers see it.
 *
 * <p>A partition is first <em>claimed</em> (its epoch bumped in the bookkeeping and the offsets an
 * earlier owner applied loaded); only then are its records fetched. When it is revoked, lost or
 * fenced, the state is retired: completions after that are ignored (the next owner re-reads from
 * the committed offset) and queued records of it are dropped instead of processed.
 */
public final class PartitionState {
  private final TopicPartition partition;
  private final OffsetTracker offsets = new OffsetTracker();
  private volatile long epoch = -1;
  private volatile boolean retired;
  private volatile boolean fenced;

  /** Offsets an earlier owner already completed; read and trimmed by the poll thread only. */
  private Set<Long> alreadyApplied = new HashSet<>();

  /** A barrier record waits for the partition's earlier records; poll thread only. */
  private boolean barrierWaiting;

  /** A barrier record was handed over and may not have completed yet; poll thread only. */
  private boolean barrierHandedOver;

  public PartitionState(TopicPartition partition) {
    this.partition = partition;
  }

  public TopicPartition partition() {
    return partition;
  }

  public OffsetTracker offsets() {
    return offsets;
  }

  /** The epoch this worker holds the partition with; -1 until claimed. */
  public long epoch() {
    return epoch;
  }

  public boolean isClaimed() {
    return epoch >= 0;
  }

  void claimed(PartitionClaim claim) {
    alreadyApplied = new HashSet<>(claim.applied());
    epoch = claim.epoch();
  }

  /** True (once) if an earlier owner already completed this offset. Poll thread only. */
  boolean takeAlreadyApplied(long offset) {
    return !alreadyApplied.isEmpty() && alreadyApplied.remove(offset);
  }

  /**
   * Whether the record at {@code offset} may be handed over now under the partition's barrier rule:
   * a <em>barrier</em> record (one that must not run beside the records around it, such as a change
   * event's truncate, which has no key and so would share no lane with the rows it empties) is
   * handed over only once every earlier record of the partition has completed, and no later record
   * is handed over until the barrier itself has completed. A refused record is fetched again later
   * ({@link #heldByBarrier()} keeps the partition paused meanwhile). Poll thread only.
   */
  boolean mayHandOver(boolean barrier) {
    if (!barrier && !barrierHandedOver) {
      return true; // the common case, without the tracker's lock
    }
    boolean idle = offsets.pendingCount() == 0;
    if (barrierHandedOver && !idle) {
      return false;
    }
    barrierHandedOver = false;
    if (barrier) {
      barrierWaiting = !idle;
      barrierHandedOver = idle;
      return idle;
    }
    return true;
  }

  /**
   * Whether the partition waits on a barrier: one that waits for the records before it, or one in
   * flight. False again once nothing of the partition is in flight. Poll thread only.
   */
  boolean heldByBarrier() {
    if ((barrierWaiting || barrierHandedOver) && offsets.pendingCount() == 0) {
      barrierWaiting = false;
      barrierHandedOver = false;
    }
    return barrierWaiting || barrierHandedOver;
  }

  public boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
  }

  /**
   * Called by a worker whose transaction found another epoch on the partition: someone else claimed
   * it. Retires the state; the poll loop then re-claims the partition if Kafka says it is still
   * ours, or forgets it when the revocation arrives.
   */
  public void fence() {
    fenced = true;
    retired = true;
  }

  public boolean isFenced() {
    return fenced;
  }

  /** Marks {@code offset} done; a no-op once the partition is retired. */
  public void complete(long offset) {
    if (!retired) {
      offsets.completed(offset);
    }
  }

  @Override
  public String toString() {
    return partition.toString();
  }
}
