package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A polled record on its way through a lane, with the partition it must be completed on.
 *
 * @param cost the heap bytes reserved for it while it is held ({@link RecordCost})
 */
public record WorkItem(ConsumerRecord<byte[], byte[]> record, PartitionState partition, long cost) {
  public WorkItem(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    this(record, partition, RecordCost.of(record));
  }

  /** Marks the record done (applied, skipped or dead-lettered) for the commit watermark. */
  public void complete() {
    partition.complete(record.offset());
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
