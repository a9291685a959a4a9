package dev.ferry.sink;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * A transaction was rolled back because another worker claimed some of its partitions since this
 * worker did: their records now belong to the other worker, which will apply them.
 */
public final class FencedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Set<TopicPartition> partitions;

  public FencedException(Set<TopicPartition> partitions) {
    super("fenced: another worker claimed " + partitions);
    this.partitions = Set.copyOf(partitions);
  }

  public Set<TopicPartition> partitions() {
    return partitions;
  }
}
