package dev.ferry.source;

import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition as the workers see it. When the partition is revoked or lost the state is
 * retired: completions after that are ignored (the next owner re-reads from the committed offset)
 * and workers drop the partition's queued records instead of processing them.
 */
public final class PartitionState {
  private final TopicPartition partition;
  private final OffsetTracker offsets = new OffsetTracker();
  private volatile boolean retired;

  public PartitionState(TopicPartition partition) {
    this.partition = partition;
  }

  public TopicPartition partition() {
    return partition;
  }

  public OffsetTracker offsets() {
    return offsets;
  }

  public boolean isRetired() {
    return retired;
  }

  void retire() {
    retired = true;
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
