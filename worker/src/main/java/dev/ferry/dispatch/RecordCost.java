package dev.ferry.dispatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What one record costs the heap, roughly, from the moment the poll loop hands it over until its
 * worker releases it; the unit {@link Lanes} counts against the byte limit.
 *
 * <p>The cost is reserved in full at dispatch, although a queued record only holds its serialized
 * bytes: a record in a worker's batch also holds its decoded JSON tree (a Java string per text, as
 * long as the text or twice it outside Latin-1), its row's values (a {@code jsonb} value is written
 * out again as text) and the parameters the JDBC driver encodes for the statement, which is about
 * {@value #PROCESSING_FACTOR} times its serialized size more. Reserving that up front keeps the
 * bound a plain sum that no worker can push over by taking a batch, and no worker ever waits for
 * room. A fixed {@value #OVERHEAD_BYTES} bytes per record cover the objects around the payload.
 */
public final class RecordCost {
  /** The objects around a record's bytes: the record, its headers, the work item, queue nodes. */
  static final long OVERHEAD_BYTES = 512;

  /** Heap for decoding and writing a record, as a multiple of its serialized size. */
  static final int PROCESSING_FACTOR = 3;

  private RecordCost() {}

  /** The heap bytes reserved for {@code record} while Ferry holds it. */
  public static long of(ConsumerRecord<byte[], byte[]> record) {
    return OVERHEAD_BYTES + (1L + PROCESSING_FACTOR) * serializedSize(record);
  }

  /** The bytes of the record's key, value and headers, as fetched. */
  public static long serializedSize(ConsumerRecord<byte[], byte[]> record) {
    long size = length(record.key()) + length(record.value());
    for (Header header : record.headers()) {
      size += header.key().length() + length(header.value());
    }
    return size;
  }

  private static long length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
