package dev.ferry.metrics;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka side of the worker (the poll loop), read by the gauges and counters. Every reader is
 * cheap and thread-safe.
 */
public interface ConsumerView {
  /** Records taken from Kafka, in total. */
  long consumed();

  /** Records completed without a write because an earlier owner had applied them. */
  long alreadyApplied();

  /** Seconds since the timestamp of the oldest record taken and not yet completed; 0 if none. */
  double oldestUncommittedAgeSeconds();

  int assignedPartitions();

  int pausedPartitions();

  /** Rebalance callbacks that assigned partitions, in total. */
  long assignments();

  /** Rebalance callbacks that took partitions away cleanly, in total. */
  long revocations();

  /** Rebalance callbacks that reported partitions lost, in total. */
  long losses();

  /** The lag of each owned partition, as of the last commit interval. */
  Map<TopicPartition, Long> lags();
}
