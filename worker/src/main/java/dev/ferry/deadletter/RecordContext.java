package dev.ferry.deadletter;

import dev.ferry.tracing.TraceHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/**
 * Puts a record's coordinates into the logging context (MDC), so that every record-level log line
 * carries {@code topic}, {@code partition}, {@code offset} and {@code pipeline}: as fields in JSON
 * logs, in brackets in text logs. A record that carries a trace adds {@code trace_id} and {@code
 * span_id}: of Ferry's span for it when tracing is on, else of the producer's {@code traceparent}.
 */
final class RecordContext {
  private RecordContext() {}

  static void put(ConsumerRecord<?, ?> record, String pipeline) {
    MDC.put("topic", record.topic());
    MDC.put("partition", Integer.toString(record.partition()));
    MDC.put("offset", Long.toString(record.offset()));
    MDC.put("pipeline", pipeline);
    SpanContext trace = Span.current().getSpanContext();
    if (!trace.isValid()) {
      trace = TraceHeaders.producerContext(record.headers());
    }
    if (trace.isValid()) {
      MDC.put("trace_id", trace.getTraceId());
      MDC.put("span_id", trace.getSpanId());
    }
  }

  static void clear() {
    MDC.remove("topic");
    MDC.remove("partition");
    MDC.remove("offset");
    MDC.remove("pipeline");
    MDC.remove("trace_id");
    MDC.remove("span_id");
  }
}
