package dev.ferry.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/**
 * Puts a record's coordinates into the logging context (MDC), so that every record-level log line
 * carries {@code topic}, {@code partition}, {@code offset} and {@code pipeline}: as fields in JSON
 * logs, in brackets in text logs.
 */
final class RecordContext {
  private RecordContext() {}

  static void put(ConsumerRecord<?, ?> record, String pipeline) {
    MDC.put("topic", record.topic());
    MDC.put("partition", Integer.toString(record.partition()));
    MDC.put("offset", Long.toString(record.offset()));
    MDC.put("pipeline", pipeline);
  }

  static void clear() {
    MDC.remove("topic");
    MDC.remove("partition");
    MDC.remove("offset");
    MDC.remove("pipeline");
  }
}
