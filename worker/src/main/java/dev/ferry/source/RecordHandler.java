package dev.ferry.source;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where the poll loop hands records; implemented by the dispatcher. */
public interface RecordHandler {
  /** Accepts a record without blocking; the handler counts it as held in memory. */
  void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition);

  /** False when the handler holds its capacity: the poll loop then pauses all partitions. */
  boolean hasRoom();

  /**
   * Drops the records not yet taken by a worker, for a drain: they stay uncommitted and are read
   * again by the next owner of their partition. Batches already in a worker's hands are kept.
   *
   * @return the number of records dropped
   */
  int discardQueued();

  /** Records accepted and not yet completed or dropped. */
  int inMemory();
}
