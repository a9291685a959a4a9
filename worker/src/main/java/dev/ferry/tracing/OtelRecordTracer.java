package dev.ferry.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Spans after OpenTelemetry's semantic conventions for messaging (the {@code process} span of a
 * Kafka consumer) and databases (the transaction). Thread-safe.
 */
final class OtelRecordTracer implements RecordTracer {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("ferry.pipeline");
  static final AttributeKey<String> LINK = AttributeKey.stringKey("ferry.link");
  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<Long> ROWS = AttributeKey.longKey("ferry.rows");
  static final AttributeKey<Long> RECORDS = AttributeKey.longKey("ferry.records");
  static final AttributeKey<Boolean> ISOLATING = AttributeKey.booleanKey("ferry.isolating");

  private static final Attributes REPLAY_LINK = Attributes.of(LINK, "dead-lettered-attempt");
  private static final Attributes RECORD_LINK = Attributes.of(LINK, "record");

  private final Tracer tracer;
  private final String group;

  OtelRecordTracer(Tracer tracer, String group) {
    this.tracer = tracer;
    this.group = group;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public Span process(ConsumerRecord<byte[], byte[]> record, String pipeline) {
    SpanContext producer = TraceHeaders.producerContext(record.headers());
    SpanBuilder span =
        tracer
            .spanBuilder("process " + record.topic())
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(Context.root().with(Span.wrap(producer)))
            .setAttribute(SYSTEM, "kafka")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, record.topic())
            .setAttribute(PARTITION, Integer.toString(record.partition()))
            .setAttribute(OFFSET, record.offset())
            .setAttribute(GROUP, group)
            .setAttribute(PIPELINE, pipeline);
    TraceHeaders.contextIn(record.headers(), TraceHeaders.REPLAYED_FROM)
        .ifPresent(attempt -> span.addLink(attempt, REPLAY_LINK));
    return span.startSpan();
  }

  @Override
  public Span transaction(Collection<Span> records, int rows, boolean isolating) {
    SpanBuilder span =
        tracer
            .spanBuilder("ferry transaction")
            .setSpanKind(SpanKind.CLIENT)
            .setNoParent()
            .setAttribute(DB_SYSTEM, "postgresql")
            .setAttribute(ROWS, (long) rows)
            .setAttribute(RECORDS, (long) records.size())
            .setAttribute(ISOLATING, isolating);
    for (Span record : records) {
      if (record.getSpanContext().isValid()) {
        span.addLink(record.getSpanContext(), RECORD_LINK);
      }
    }
    return span.startSpan();
  }
}
