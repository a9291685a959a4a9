package dev.ferry.source;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The poll loop's progress as metrics show it: the consumer's lag per owned partition, and the
 * timestamp of the oldest record taken from Kafka and not yet completed. Readings, not live values:
 * the poll thread refreshes them (once per commit interval); any thread reads them.
 */
final class ProgressReadings {
  private final Map<TopicPartition, Long> lags = new ConcurrentHashMap<>();
  private volatile long oldestPendingTimestamp = -1;

  /**
   * Takes new readings of {@code partitions}; a partition no longer owned drops out, one whose lag
   * the consumer does not know yet keeps its previous reading. Poll thread only.
   */
  void refresh(Consumer<?, ?> consumer, Map<TopicPartition, PartitionState> partitions) {
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      OptionalLong ts = e.getValue().offsets().oldestPendingTimestamp();
      if (ts.isPresent()) {
        oldest = Math.min(oldest, ts.getAsLong());
      }
      OptionalLong lag = consumer.currentLag(e.getKey());
      if (lag.isPresent()) {
        lags.put(e.getKey(), lag.getAsLong());
      }
    }
    lags.keySet().retainAll(partitions.keySet());
    oldestPendingTimestamp = oldest == Long.MAX_VALUE ? -1 : oldest;
  }

  /** The lag per owned partition, as of the last refresh. */
  Map<TopicPartition, Long> lags() {
    return Map.copyOf(lags);
  }

  /**
   * Milliseconds from the oldest pending record's timestamp to {@code nowMillis}, as of the last
   * refresh; 0 when none was pending.
   */
  long oldestPendingAgeMillis(long nowMillis) {
    long ts = oldestPendingTimestamp;
    return ts < 0 ? 0 : Math.max(0, nowMillis - ts);
  }
}
