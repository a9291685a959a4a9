package dev.ferry.tracing;

import io.opentelemetry.api.trace.Span;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Starts the spans of Ferry's work: one {@code process} span per record and one span per Postgres
 * transaction. {@link #OFF} does nothing and returns {@link Span#getInvalid()}, whose every method
 * is a no-op: with tracing off a record costs no tracing work at all.
 */
public interface RecordTracer {
  RecordTracer OFF =
      new RecordTracer() {
        @Override
        public boolean enabled() {
          return false;
        }

        @Override
        public Span process(ConsumerRecord<byte[], byte[]> record, String pipeline) {
          return Span.getInvalid();
        }

        @Override
        public Span transaction(Collection<Span> records, int rows, boolean isolating) {
          return Span.getInvalid();
        }
      };

  boolean enabled();

  /**
   * Starts the {@code process} span of a record: a child of the producer's context when the record
   * carries a {@code traceparent}, linked to the attempt it was dead-lettered from when it is a
   * replay.
   */
  Span process(ConsumerRecord<byte[], byte[]> record, String pipeline);

  /**
   * Starts the span of one Postgres transaction, linked to the {@code process} spans of its
   * records.
   *
   * @param isolating whether the transaction writes row by row behind savepoints
   */
  Span transaction(Collection<Span> records, int rows, boolean isolating);
}
