package dev.ferry.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.config.DeadLetterSettings;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.tracing.TraceHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends dead letters with an idempotent {@code acks=all} producer and waits for the broker's
 * acknowledgement: the caller completes the record's offset only after {@link #publish} returned
 * true. A failed send is retried with backoff until it succeeds or the worker stops; it is never
 * skipped. Thread-safe (the Kafka producer is).
 */
public final class DeadLetterPublisher implements AutoCloseable {
  /** The readiness reason while a dead letter cannot be sent. */
  public static final String UNAVAILABLE = "dead-letter-unavailable";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
  private static final int MAX_HEADER_CHARS = 8 * 1024;

  private final Producer<byte[], byte[]> producer;
  private final DeadLetterSettings settings;
  private final String group;
  private final Backoff backoff;
  private final StopSignal stop;
  private final Clock clock;
  private final Duration sendTimeout;
  private final Readiness readiness;
  private final LongAdder failedSends = new LongAdder();
  private final AtomicInteger failing = new AtomicInteger();

  /**
   * @param sendTimeout how long to wait for one send's acknowledgement; the producer's own {@code
   *     delivery.timeout.ms} should end a send before this does
   * @param readiness gets {@value #UNAVAILABLE} while a send is failing
   */
  public DeadLetterPublisher(
      Producer<byte[], byte[]> producer,
      DeadLetterSettings settings,
      String group,
      Backoff backoff,
      StopSignal stop,
      Clock clock,
      Duration sendTimeout,
      Readiness readiness) {
    this.producer = producer;
    this.settings = settings;
    this.group = group;
    this.backoff = backoff;
    this.stop = stop;
    this.clock = clock;
    this.sendTimeout = sendTimeout;
    this.readiness = readiness;
  }

  /** Sends that failed (and were retried) since start. */
  public long failedSends() {
    return failedSends.sum();
  }

  /**
   * Sends the dead letter and waits for the acknowledgement, retrying failed sends.
   *
   * @return true once acknowledged; false if the worker stopped before that
   */
  public boolean publish(DeadLetter letter) throws InterruptedException {
    ProducerRecord<byte[], byte[]> out = toRecord(letter);
    boolean failed = false;
    try {
      for (int attempt = 1; ; attempt++) {
        if (send(letter, out, attempt)) {
          return true;
        }
        if (!failed) {
          failed = true;
          failing.incrementAndGet();
          readiness.set(UNAVAILABLE, true);
        }
        if (stop.await(backoff.delay(attempt))) {
          return false;
        }
      }
    } finally {
      if (failed) {
        readiness.set(UNAVAILABLE, failing.decrementAndGet() > 0);
      }
    }
  }

  /** One send; true once acknowledged, false when it failed and should be tried again. */
  private boolean send(DeadLetter letter, ProducerRecord<byte[], byte[]> out, int attempt)
      throws InterruptedException {
    Throwable failure;
    try {
      producer.send(out).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
      RecordContext.put(letter.record(), letter.pipeline());
      log.warn(
          "dead-lettered {}-{}@{} (pipeline {}, stage {}, reason {}) to {}: {}",
          letter.record().topic(),
          letter.record().partition(),
          letter.record().offset(),
          letter.pipeline(),
          letter.stage().label(),
          letter.reason(),
          out.topic(),
          letter.error().getMessage());
      RecordContext.clear();
      return true;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException | KafkaException e) {
      // KafkaException: send() itself failed, e.g. no metadata for the topic within max.block.ms.
      failure = e;
    }
    failedSends.increment();
    RecordContext.put(letter.record(), letter.pipeline());
    log.warn(
        "sending dead letter of {}-{}@{} to {} failed (attempt {}), retrying: {}",
        letter.record().topic(),
        letter.record().partition(),
        letter.record().offset(),
        out.topic(),
        attempt,
        String.valueOf(failure));
    RecordContext.clear();
    return false;
  }

  ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter) {
    var record = letter.record();
    Headers headers = new RecordHeaders();
    for (Header h : record.headers()) {
      if ((!h.key().startsWith(DeadLetterHeaders.PREFIX)
              || h.key().equals(DeadLetterHeaders.REPLAY_COUNT))
          && !h.key().startsWith(FirstOrigin.REPLAY_PREFIX)) {
        headers.add(h);
      }
    }
    put(headers, DeadLetterHeaders.VERSION, "1");
    put(headers, DeadLetterHeaders.ORIGINAL_TOPIC, record.topic());
    put(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(record.partition()));
    put(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(record.offset()));
    put(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP, Long.toString(record.timestamp()));
    // The first origin: a replayed copy that failed again is still the same original record.
    FirstOrigin first =
        FirstOrigin.ofReplayedCopy(record.headers())
            .orElseGet(() -> new FirstOrigin(record.topic(), record.partition(), record.offset()));
    put(headers, FirstOrigin.DLT_TOPIC, first.topic());
    put(headers, FirstOrigin.DLT_PARTITION, Integer.toString(first.partition()));
    put(headers, FirstOrigin.DLT_OFFSET, Long.toString(first.offset()));
    put(headers, DeadLetterHeaders.GROUP, group);
    put(headers, DeadLetterHeaders.PIPELINE, letter.pipeline());
    put(headers, DeadLetterHeaders.STAGE, letter.stage().label());
    put(headers, DeadLetterHeaders.REASON, letter.reason());
    put(headers, DeadLetterHeaders.EXCEPTION_CLASS, letter.error().getClass().getName());
    put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, String.valueOf(letter.error().getMessage()));
    if (settings.includeStacktrace()) {
      StringWriter trace = new StringWriter();
      letter.error().printStackTrace(new PrintWriter(trace));
      put(headers, DeadLetterHeaders.EXCEPTION_STACKTRACE, trace.toString());
    }
    put(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(letter.attempts()));
    put(headers, DeadLetterHeaders.FAILED_AT, Instant.now(clock).toString());
    if (record.headers().lastHeader(DeadLetterHeaders.REPLAY_COUNT) == null) {
      put(headers, DeadLetterHeaders.REPLAY_COUNT, "0");
    }
    // The producer's traceparent is among the original headers; with tracing on, the context of
    // this attempt's span goes beside it, for a replay to link back to.
    SpanContext attempt = Span.current().getSpanContext();
    if (attempt.isValid()) {
      put(headers, TraceHeaders.DEAD_LETTERED_IN, TraceHeaders.traceparent(attempt));
    }
    Long timestamp = record.timestamp() >= 0 ? record.timestamp() : null;
    return new ProducerRecord<>(
        settings.topicFor(record.topic()), null, timestamp, record.key(), record.value(), headers);
  }

  private static void put(Headers headers, String key, String value) {
    String bounded =
        value.length() > MAX_HEADER_CHARS ? value.substring(0, MAX_HEADER_CHARS) : value;
    headers.remove(key);
    headers.add(key, bounded.getBytes(UTF_8));
  }

  /** Flushes pending sends and closes the producer, waiting at most {@code timeout}. */
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
