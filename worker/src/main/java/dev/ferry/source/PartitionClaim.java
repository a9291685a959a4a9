package dev.ferry.source;

import java.util.Set;

/**
 * What a worker learns when it takes ownership of a partition.
 *
 * @param epoch the partition's new epoch; transactions carrying an older one are fenced
 * @param applied offsets at or above the committed offset that an earlier owner already applied (or
 *     dead-lettered): they are completed without being processed again
 */
public record PartitionClaim(long epoch, Set<Long> applied) {
  /** The claim of a worker without exactly-once bookkeeping. */
  public static final PartitionClaim NONE = new PartitionClaim(0, Set.of());

  public PartitionClaim {
    applied = Set.copyOf(applied);
  }
}
