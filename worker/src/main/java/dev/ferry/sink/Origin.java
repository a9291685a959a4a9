package dev.ferry.sink;

import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a row came from: the record's partition and offset, and the epoch this worker holds the
 * partition with; for a replayed copy of a dead letter, also the original record it copies.
 *
 * @param replayOf empty for a record that is no replay (the common case, which costs nothing)
 */
public record Origin(
    TopicPartition partition, long epoch, long offset, Optional<ReplayOf> replayOf) {
  public Origin(TopicPartition partition, long epoch, long offset) {
    this(partition, epoch, offset, Optional.empty());
  }

  /**
   * The original record a replayed copy stands for (its first origin), applied at most once per
   * consumer group unless {@code reapply}.
   *
   * @param reapply the operator asked to apply it even if it was applied before
   * @param replayName the replay that produced the copy, if it says
   */
  public record ReplayOf(
      String topic, int partition, long offset, boolean reapply, Optional<String> replayName) {
    /** The origin without the flags: what "the same original record" means. */
    String key() {
      return topic + "\u0000" + partition + "\u0000" + offset;
    }
  }
}
