package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.spi.InputRecord;
import dev.ferry.spi.RecordTransform;
import dev.ferry.spi.TransformException;
import dev.ferry.spi.TransformedRow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Calls a pipeline's transform on one record; whatever goes wrong is that record's failure. */
final class TransformCall {
  private TransformCall() {}

  /**
   * The rows {@code transform} makes of the record.
   *
   * @throws RecordFailure reason {@code transform-failed}: the transform refused the record, failed
   *     on it, or returned null
   */
  static List<TransformedRow> apply(
      RecordTransform transform, ObjectNode value, ConsumerRecord<byte[], byte[]> record)
      throws RecordFailure {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    InputRecord input =
        new InputRecord(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            value,
            headers);
    String name = transform.name();
    try {
      List<TransformedRow> out = transform.apply(input);
      if (out == null) {
        throw new RecordFailure(Reason.TRANSFORM_FAILED, "transform " + name + " returned null");
      }
      return out;
    } catch (TransformException e) {
      throw new RecordFailure(Reason.TRANSFORM_FAILED, e.getMessage(), e);
    } catch (RuntimeException e) {
      // A plugin's bug on one record is that record's failure, not the worker's.
      throw new RecordFailure(Reason.TRANSFORM_FAILED, "transform " + name + " failed: " + e, e);
    }
  }
}
