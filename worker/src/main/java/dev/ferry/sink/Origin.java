package dev.ferry.sink;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a row came from: the record's partition and offset, and the epoch this worker holds the
 * partition with.
 */
public record Origin(TopicPartition partition, long epoch, long offset) {}
