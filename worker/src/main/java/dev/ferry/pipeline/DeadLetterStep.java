package dev.ferry.pipeline;

import dev.ferry.deadletter.DeadLetter;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.deadletter.DeadLetterRefused;
import dev.ferry.health.Readiness;
import dev.ferry.metrics.WorkerCounters;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the dead letters of a batch, unless their pipeline is halted, and halts a pipeline whose
 * dead letter the DLT refuses for good. Such a record is never dropped: it is left incomplete, its
 * offset uncommitted, and its pipeline halted (readiness reason {@code dead-letter-too-large:P} or
 * {@code dead-letter-refused:P}) until an operator fixes the topic and resumes it. Thread-safe.
 */
final class DeadLetterStep {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterStep.class);
  private static final AttributeKey<String> REASON = AttributeKey.stringKey("ferry.dlt.reason");

  /** What became of one dead letter. */
  enum Sent {
    /** Acknowledged by the DLT: the record may be completed. */
    YES,
    /** Not sent because its pipeline is halted (now or before): leave its records incomplete. */
    HALTED,
    /** Not sent because the worker is stopping: leave the batch incomplete. */
    STOPPING
  }

  private final DeadLetterPublisher deadLetters;
  private final DeadLetterBreaker breaker;
  private final WorkerCounters counters;
  private final Readiness readiness;

  DeadLetterStep(
      DeadLetterPublisher deadLetters,
      DeadLetterBreaker breaker,
      WorkerCounters counters,
      Readiness readiness) {
    this.deadLetters = deadLetters;
    this.breaker = breaker;
    this.counters = counters;
    this.readiness = readiness;
  }

  /**
   * Sends one dead letter unless its pipeline is halted; counts it with the breaker, which may halt
   * the pipeline after it (the letter itself is sent then, and {@code YES} returned).
   */
  Sent send(DeadLetter letter, BatchWork work) throws InterruptedException {
    if (breaker.isHalted(letter.pipeline())) {
      return Sent.HALTED;
    }
    Span span = work.span(letter.record());
    span.setStatus(StatusCode.ERROR, letter.reason().code());
    span.setAttribute(BatchWork.OUTCOME, "dead-lettered");
    span.setAttribute(REASON, letter.reason().code());
    span.recordException(letter.error());
    // Current while sending: the dead letter carries the span's context, the log lines its ids.
    Scope current = span.makeCurrent();
    try {
      if (!deadLetters.publish(letter)) {
        return Sent.STOPPING;
      }
    } catch (DeadLetterRefused refused) {
      span.setAttribute(BatchWork.OUTCOME, "dead-letter-refused");
      halt(letter, refused);
      return Sent.HALTED;
    } finally {
      current.close();
    }
    work.deadLettered.add(letter.record());
    counters.addDeadLettered(letter.pipeline(), letter.reason());
    breaker.recordDeadLettered(letter.pipeline());
    return Sent.YES;
  }

  private void halt(DeadLetter letter, DeadLetterRefused refused) {
    String pipeline = letter.pipeline();
    String where =
        letter.record().topic()
            + "-"
            + letter.record().partition()
            + "@"
            + letter.record().offset();
    if (!breaker.halt(pipeline, refused.kind(), "the dead letter of " + where + " was refused")) {
      return;
    }
    readiness.set(refused.kind() + ":" + pipeline, true);
    log.error(
        "pipeline {} halted: the dead letter of {} (reason {}) was refused by {}{}: {}. Nothing is"
            + " dropped: the record stays uncommitted, the pipeline's partitions are paused and its"
            + " other records wait; other pipelines go on. To go on, {}",
        pipeline,
        where,
        letter.reason().code(),
        refused.topic(),
        refused.shedHeaders().isEmpty()
            ? ""
            : " even without " + String.join(", ", refused.shedHeaders()),
        refused.getMessage().replaceFirst("\\.+$", ""),
        refused.remedy(pipeline));
  }
}
