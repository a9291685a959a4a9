package dev.ferry.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.config.DeadLetterSettings;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.WarnThrottle;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends dead letters with an idempotent {@code acks=all} producer and waits for the broker's
 * acknowledgement: the caller completes the record's offset only after {@link #publish} returned
 * true. A send that failed transiently is retried with backoff until it succeeds or the worker
 * stops; one refused for good (see {@link FailureClassifier#classifySend}) ends in {@link
 * DeadLetterRefused}. A dead letter is never skipped. Thread-safe (the Kafka producer is).
 */
public final class DeadLetterPublisher implements AutoCloseable {
  /** The readiness reason while a dead letter cannot be sent. */
  public static final String UNAVAILABLE = "dead-letter-unavailable";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
  private static final int MAX_HEADER_CHARS = 8 * 1024;

  /** An exception message is cut to this when a dead letter's headers are shed. */
  static final int SHED_MESSAGE_CHARS = 512;

  private static final int RETRY_WARNING_SECONDS = 30;

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
  private final LongAdder headersShed = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder refusedTooLarge = new LongAdder();
  private final WarnThrottle retryWarnings;

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
    this.retryWarnings = new WarnThrottle(clock, Duration.ofSeconds(RETRY_WARNING_SECONDS));
  }

  /** Sends that failed (and were retried) since start. */
  public long failedSends() {
    return failedSends.sum();
  }

  /** Dead letters sent only after their bulky headers were shed, since start. */
  public long headersShed() {
    return headersShed.sum();
  }

  /** Dead letters refused for good since start, too large ones included. */
  public long refused() {
    return refused.sum();
  }

  /** Dead letters refused for good because they did not fit, since start. */
  public long refusedTooLarge() {
    return refusedTooLarge.sum();
  }

  /**
   * Sends the dead letter and waits for the acknowledgement. A transient or unknown failure is
   * retried with backoff, its warning rate-limited (the first, then one line per {@value
   * #RETRY_WARNING_SECONDS} s with a count). A permanent one is not retried as it is: a dead letter
   * too large for its topic is sent once more without its bulky headers (see {@link #shedHeaders}),
   * and if that does not fit either, or the refusal is of another kind, it is thrown.
   *
   * @return true once acknowledged; false if the worker stopped before that
   * @throws DeadLetterRefused when the DLT or the producer refuses it for good; nothing was sent
   */
  public boolean publish(DeadLetter letter) throws InterruptedException, DeadLetterRefused {
    ProducerRecord<byte[], byte[]> out = toRecord(letter);
    List<String> shed = List.of();
    boolean failed = false;
    try {
      for (int attempt = 1; ; attempt++) {
        Throwable failure = send(letter, out);
        if (failure == null) {
          if (!shed.isEmpty()) {
            headersShed.increment();
          }
          return true;
        }
        if (FailureClassifier.classifySend(failure) == FailureClass.PERMANENT) {
          boolean tooLarge = FailureClassifier.isTooLarge(failure);
          if (tooLarge && shed.isEmpty()) {
            ProducerRecord<byte[], byte[]> lighter = shedHeaders(out);
            if (lighter != out) {
              shed = shedNames(lighter);
              logShedding(letter, out, lighter, failure);
              out = lighter;
              continue;
            }
          }
          refused.increment();
          if (tooLarge) {
            refusedTooLarge.increment();
          }
          throw new DeadLetterRefused(out.topic(), tooLarge, estimatedSize(out), shed, failure);
        }
        failedSends.increment();
        logRetry(letter, out, attempt, failure);
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
        boolean stillFailing = failing.decrementAndGet() > 0;
        readiness.set(UNAVAILABLE, stillFailing);
        if (!stillFailing) {
          long unlogged = retryWarnings.reset();
          if (unlogged > 0) {
            log.warn(
                "dead-letter sends are through again; {} more failed attempts were not logged",
                unlogged);
          }
        }
      }
    }
  }

  /**
   * One send.
   *
   * @return null once acknowledged, else why it failed
   */
  private Throwable send(DeadLetter letter, ProducerRecord<byte[], byte[]> out)
      throws InterruptedException {
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
          letter.reason().code(),
          out.topic(),
          letter.error().getMessage());
      RecordContext.clear();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptException e) {
      Thread.interrupted(); // rethrown as the checked kind, whose contract is a cleared flag
      InterruptedException interrupted =
          new InterruptedException("interrupted while sending a dead letter to " + out.topic());
      interrupted.initCause(e);
      throw interrupted;
    } catch (TimeoutException | KafkaException e) {
      // KafkaException: send() itself failed, e.g. no metadata for the topic within max.block.ms.
      return e;
    }
  }

  private void logRetry(
      DeadLetter letter, ProducerRecord<byte[], byte[]> out, int attempt, Throwable failure) {
    long count = retryWarnings.occurred();
    if (count == 0) {
      return;
    }
    RecordContext.put(letter.record(), letter.pipeline());
    log.warn(
        "sending dead letter of {}-{}@{} to {} failed (attempt {}{}), retrying: {}",
        letter.record().topic(),
        letter.record().partition(),
        letter.record().offset(),
        out.topic(),
        attempt,
        count > 1
            ? "; " + count + " failed attempts since the last such warning"
            : "; further failures are summed up every " + RETRY_WARNING_SECONDS + " s",
        String.valueOf(failure));
    RecordContext.clear();
  }

  private void logShedding(
      DeadLetter letter,
      ProducerRecord<byte[], byte[]> out,
      ProducerRecord<byte[], byte[]> lighter,
      Throwable failure) {
    RecordContext.put(letter.record(), letter.pipeline());
    log.warn(
        "the dead letter of {}-{}@{} ({} bytes) is too large for {}: sending it without {} ({}"
            + " bytes); the record itself is kept whole. {}",
        letter.record().topic(),
        letter.record().partition(),
        letter.record().offset(),
        estimatedSize(out),
        out.topic(),
        shedNames(lighter),
        estimatedSize(lighter),
        String.valueOf(failure));
    RecordContext.clear();
  }

  /**
   * The dead letter without its bulky diagnostic headers, for a topic that cannot take it whole:
   * the stack trace is left out and an exception message longer than {@value #SHED_MESSAGE_CHARS}
   * characters is cut to that, and {@link DeadLetterHeaders#HEADERS_SHED} names what was shed. The
   * record's key, value, timestamp and original headers and the contract headers that identify it
   * and say why it failed are kept.
   *
   * @return {@code out} itself when there is nothing to shed
   */
  static ProducerRecord<byte[], byte[]> shedHeaders(ProducerRecord<byte[], byte[]> out) {
    Headers headers = new RecordHeaders();
    List<String> shed = new ArrayList<>();
    for (Header h : out.headers()) {
      if (h.key().equals(DeadLetterHeaders.EXCEPTION_STACKTRACE)) {
        shed.add(h.key());
      } else if (h.key().equals(DeadLetterHeaders.EXCEPTION_MESSAGE)
          && h.value() != null
          && new String(h.value(), UTF_8).length() > SHED_MESSAGE_CHARS) {
        String message = new String(h.value(), UTF_8).substring(0, SHED_MESSAGE_CHARS);
        headers.add(h.key(), message.getBytes(UTF_8));
        shed.add(h.key());
      } else {
        headers.add(h);
      }
    }
    if (shed.isEmpty()) {
      return out;
    }
    headers.add(DeadLetterHeaders.HEADERS_SHED, String.join(",", shed).getBytes(UTF_8));
    return new ProducerRecord<>(
        out.topic(), out.partition(), out.timestamp(), out.key(), out.value(), headers);
  }

  private static List<String> shedNames(ProducerRecord<byte[], byte[]> lighter) {
    Header h = lighter.headers().lastHeader(DeadLetterHeaders.HEADERS_SHED);
    return h == null ? List.of() : List.of(new String(h.value(), UTF_8).split(","));
  }

  /** About how many bytes a record takes in a batch of its own, uncompressed. */
  static int estimatedSize(ProducerRecord<byte[], byte[]> out) {
    long size = 61 + 21; // batch header, record overhead
    size += out.key() == null ? 0 : out.key().length;
    size += out.value() == null ? 0 : out.value().length;
    for (Header h : out.headers()) {
      size += 10 + h.key().getBytes(UTF_8).length + (h.value() == null ? 0 : h.value().length);
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
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
    put(headers, DeadLetterHeaders.REASON, letter.reason().code());
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
