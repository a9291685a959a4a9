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
