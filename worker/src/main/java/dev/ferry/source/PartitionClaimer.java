package dev.ferry.source;

import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/** Takes ownership of a partition in the sink's bookkeeping; see {@link PartitionClaim}. */
public interface PartitionClaimer {
  /** A claimer for at-least-once mode: no bookkeeping, nothing to skip. */
  PartitionClaimer NONE = partition -> PartitionClaim.NONE;

  /**
   * Claims the partition. Blocking; called off the poll thread and retried on failure.
   *
   * @throws Exception when the claim could not be made (e.g. the database is unreachable)
   */
  PartitionClaim claim(TopicPartition partition) throws Exception;

  /**
   * Told, on the poll thread inside the rebalance, which partitions were just assigned, before
   * their claims are submitted; must not block. A topic among them may be new to this worker, or
   * deleted and created again since it was last assigned. Does nothing by default.
   */
  default void assigned(Collection<TopicPartition> partitions) {}
}
