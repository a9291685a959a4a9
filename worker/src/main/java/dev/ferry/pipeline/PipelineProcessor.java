package dev.ferry.pipeline;

import dev.ferry.config.RetrySettings;
import dev.ferry.deadletter.DeadLetter;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.BatchProcessor;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import dev.ferry.errors.WarnThrottle;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.CommitInDoubtException;
import dev.ferry.sink.FencedException;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.Written;
import dev.ferry.tracing.RecordTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch: decodes and maps every record, writes the rows in one transaction, and
 * dead-letters the records that cannot be applied. Failures are handled by class:
 *
 * <ul>
 *   <li>transient (connection lost, deadlock): the whole batch is retried with backoff for as long
 *       as it takes; no record is dead-lettered for it;
 *   <li>permanent (bad value, constraint): the batch is written again row by row behind savepoints,
 *       so only the failing rows go to the DLT and the rest commit;
 *   <li>unknown: retried up to {@code retry.max-attempts}, then isolated like a permanent one;
 *   <li>a table changed under the batch (an {@code ALTER TABLE} the server reports and a re-read
 *       confirms): written again at once, once, with the new statements, before the above;
 *   <li>fenced (another worker claimed a partition): the records of that partition are dropped
 *       here, since the other worker applies them, and the rest of the batch is written at once.
 * </ul>
 *
 * Records that fail to decode are dead-lettered before the transaction, so that the transaction's
 * offset markers can include them; rows rejected by Postgres are dead-lettered after it. A
 * tombstone (null value) follows the pipeline's policy: skipped, a delete by key, or a dead letter.
 * When a pipeline is halted in the middle of a batch (the breaker trips, or the DLT refuses a dead
 * letter for good, see {@link DeadLetterStep}), only the records whose dead letter was not sent
 * stay incomplete and unmarked; the rest of the batch, other pipelines' records included, is
 * applied and completed. A replayed copy of an original record applied before is completed without
 * a write ({@link ReplayCopies}). Thread-safe: holds no state per batch.
 */
public final class PipelineProcessor implements BatchProcessor {
  private static final Logger log = LoggerFactory.getLogger(PipelineProcessor.class);

  /** The readiness reason while writes fail transiently (Postgres down, overloaded …). */
  public static final String SINK_UNAVAILABLE = "sink-unavailable";

  /** At most one warning about retried writes per this interval, with a count. */
  private static final Duration RETRY_WARNING_INTERVAL = Duration.ofSeconds(30);

  private final Map<String, Pipeline> byTopic = new HashMap<>();
  private final RecordDecoder decoder = new RecordDecoder();
  private final RowSink sink;
  private final DeadLetterStep deadLetters;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Waiter backoffWait;
  private final WorkerCounters counters;
  private final DeadLetterBreaker breaker;
  private final Readiness readiness;
  private final Clock clock;
  private final RecordTracer tracer;
  private final WarnThrottle retryWarnings;

  /**
   * @param pipelines the configured pipelines, each ready to turn records into rows
   */
  public PipelineProcessor(
      List<Pipeline> pipelines,
      RetrySettings retry,
      RowSink sink,
      DeadLetterPublisher deadLetters,
      Backoff backoff,
      Waiter backoffWait,
      WorkerCounters counters,
      DeadLetterBreaker breaker,
      Readiness readiness,
      Clock clock,
      RecordTracer tracer) {
    for (Pipeline pipeline : pipelines) {
      pipeline.settings().topics().forEach(topic -> byTopic.put(topic, pipeline));
    }
    this.sink = sink;
    this.deadLetters = new DeadLetterStep(deadLetters, breaker, counters, readiness);
    this.backoff = backoff;
    this.maxAttempts = retry.maxAttempts();
    this.backoffWait = backoffWait;
    this.counters = counters;
    this.breaker = breaker;
    this.readiness = readiness;
    this.clock = clock;
    this.tracer = tracer;
    this.retryWarnings = new WarnThrottle(clock, RETRY_WARNING_INTERVAL);
  }

  @Override
  public void process(List<WorkItem> batch) throws InterruptedException {
    BatchWork work = prepare(batch);
    try {
      process(work);
    } finally {
      work.endSpans();
    }
  }

  private void process(BatchWork work) throws InterruptedException {
    boolean someUnsent = false;
    for (DeadLetter letter : work.decodeFailures) {
      DeadLetterStep.Sent sent = deadLetters.send(letter, work);
      if (sent == DeadLetterStep.Sent.STOPPING) {
        return; // stopping: leave the batch incomplete, it will be read again
      }
      someUnsent |= sent == DeadLetterStep.Sent.HALTED;
    }
    if (someUnsent) {
      // Its pipeline is halted (the breaker tripped, or the DLT refused a dead letter): a record
      // whose dead letter was not sent is neither marked nor completed, so that it is read again
      // after a resume. The rest of the batch, the other pipelines' records included, goes on.
      work.dropUnsentDeadLetters();
    }
    Map<Integer, SinkRejection> rejected = write(work);
    if (rejected == null) {
      return; // stopping: leave the batch incomplete, it will be read again
    }
    // A record may have several rows (a transform), always next to each other: it is applied
    // when none of them was rejected, and dead-lettered once when one was. Rejections are rare,
    // so the common path neither hashes nor sorts.
    Map<WorkItem, Integer> failedRecords = new LinkedHashMap<>();
    rejected.keySet().stream()
        .sorted()
        .forEach(i -> failedRecords.putIfAbsent(work.rowItems.get(i), i));
    List<WorkItem> appliedRecords = new ArrayList<>(work.rowItems.size());
    Map<String, Integer> appliedByPipeline = new HashMap<>();
    Map<WorkItem, Integer> notApplied =
        work.alreadyApplied.isEmpty()
            ? failedRecords
            : ReplayCopies.withAlreadyApplied(work, failedRecords, counters);
    collectApplied(work.rows, work.rowItems, notApplied, appliedRecords, appliedByPipeline);
    collectApplied(
        work.appliedRows, work.appliedRowItems, Map.of(), appliedRecords, appliedByPipeline);
    appliedByPipeline.forEach(breaker::recordApplied);
    appliedByPipeline.forEach(counters::addApplied);
    long now = clock.millis();
    for (WorkItem item : appliedRecords) {
      long timestamp = item.record().timestamp();
      if (timestamp >= 0) {
        counters.recordEndToEnd(Duration.ofMillis(now - timestamp));
      }
    }
    Set<WorkItem> notSent = deadLetterRejected(work, rejected, failedRecords);
    if (notSent == null) {
      return; // stopping: the committed rows are in the markers, skipped when read again
    }
    work.completed = notSent.isEmpty() && !someUnsent;
    completeEach(work.rowItems, notSent);
    work.otherItems.forEach(WorkItem::complete);
    completeEach(work.appliedRowItems, Set.of());
    work.appliedOtherItems.forEach(WorkItem::complete);
  }

  /**
   * Dead-letters the records whose rows Postgres rejected.
   *
   * @return the records whose dead letter was not sent because their pipeline is halted: they stay
   *     incomplete (their rows were rolled back, so they have no marker) and are read again after a
   *     resume; null if the worker is stopping
   */
  private Set<WorkItem> deadLetterRejected(
      BatchWork work, Map<Integer, SinkRejection> rejected, Map<WorkItem, Integer> failedRecords)
      throws InterruptedException {
    Set<WorkItem> notSent = Set.of();
    for (Map.Entry<WorkItem, Integer> e : failedRecords.entrySet()) {
      SinkRejection rejection = rejected.get(e.getValue());
      DeadLetter letter =
          new DeadLetter(
              e.getKey().record(),
              work.rows.get(e.getValue()).pipeline(),
              Stage.SINK,
              FailureClassifier.sinkReason(rejection.error()),
              rejection.error(),
              rejection.attempts());
      DeadLetterStep.Sent sent = deadLetters.send(letter, work);
      if (sent == DeadLetterStep.Sent.STOPPING) {
        return null;
      }
      if (sent == DeadLetterStep.Sent.HALTED) {
        notSent = notSent.isEmpty() ? new HashSet<>() : notSent;
        notSent.add(e.getKey());
      }
    }
    return notSent;
  }

  /** Adds each record of {@code rows} not in {@code failed} once, counted by pipeline. */
  private static void collectApplied(
      List<Row> rows,
      List<WorkItem> items,
      Map<WorkItem, Integer> failed,
      List<WorkItem> applied,
      Map<String, Integer> byPipeline) {
    WorkItem previous = null;
    for (int i = 0; i < rows.size(); i++) {
      WorkItem item = items.get(i);
      if (item == previous) {
        continue; // another row of the same record
      }
      previous = item;
      if (!failed.isEmpty() && failed.containsKey(item)) {
        continue;
      }
      applied.add(item);
      byPipeline.merge(rows.get(i).pipeline(), 1, Integer::sum);
    }
  }

  /** Completes each record once, its rows being next to each other, except {@code notSent}. */
  private static void completeEach(List<WorkItem> items, Set<WorkItem> notSent) {
    WorkItem previous = null;
    for (WorkItem item : items) {
      if (item != previous) {
        if (notSent.isEmpty() || !notSent.contains(item)) {
          item.complete();
        }
        previous = item;
      }
    }
  }

  private BatchWork prepare(List<WorkItem> batch) {
    BatchWork work = new BatchWork();
    for (WorkItem item : batch) {
      Pipeline pipeline = byTopic.get(item.record().topic());
      String name = pipeline.name();
      if (breaker.isHalted(name)) {
        continue; // halted: not processed, not completed; read again after resume or restart
      }
      if (tracer.enabled()) {
        work.spans.put(item.record(), tracer.process(item.record(), name));
      }
      Origin origin =
          new Origin(
              item.partition().partition(),
              item.partition().epoch(),
              item.record().offset(),
              ReplayCopies.replayOf(item.record()));
      try {
        List<Row> rows =
            item.record().value() == null
                ? tombstone(pipeline, item, origin)
                : pipeline.rows(decoder.decode(item.record().value()), item.record(), origin);
        if (rows.isEmpty()) {
          if (item.record().value() != null) {
            counters.addSkipped(name, "no-rows");
          }
          work.otherItems.add(item);
          work.otherOrigins.add(origin);
        }
        for (Row row : rows) {
          work.rows.add(row);
          work.rowItems.add(item);
        }
      } catch (RecordFailure f) {
        work.decodeFailures.add(new DeadLetter(item.record(), name, f.stage(), f.reason(), f, 1));
        work.otherItems.add(item);
        work.otherOrigins.add(origin);
      }
    }
    return work;
  }

  /**
   * Applies the pipeline's tombstone policy.
   *
   * @return the delete row, or no row when the tombstone is skipped
   * @throws RecordFailure when the record must be dead-lettered
   */
  private List<Row> tombstone(Pipeline pipeline, WorkItem item, Origin origin)
      throws RecordFailure {
    return switch (pipeline.settings().tombstones()) {
      case DELETE -> List.of(pipeline.delete(item.record(), origin));
      case DEAD_LETTER ->
          throw new RecordFailure(
              Stage.DECODE,
              "tombstone",
              "the value is null (a tombstone) and the pipeline's tombstone policy is"
                  + " dead-letter");
      case SKIP -> {
        counters.addSkipped(pipeline.name(), "tombstone");
        yield List.of();
      }
    };
  }

  private record SinkRejection(SQLException error, int attempts) {}

  /**
   * Writes the work, retrying as the failure class says and dropping fenced partitions.
   *
   * @return the rows rejected as permanently bad, by index into {@code work.rows}; null if the
   *     worker stopped first
   */
  private Map<Integer, SinkRejection> write(BatchWork work) throws InterruptedException {
    int unknownFailures = 0;
    boolean inDoubt = false;
    boolean rewrittenAfterTableChange = false;
    for (int attempt = 1; ; ) {
      FailureClass failed;
      try {
        if (inDoubt) {
          settleInDoubt(work);
          inDoubt = false;
        }
        if (work.isEmpty()) {
          return Map.of();
        }
        long started = System.nanoTime();
        long definitions = sink.definitionsGeneration();
        Span transaction = tracer.transaction(work.spansToWrite(), work.rows.size(), false);
        try {
          work.alreadyApplied = sink.write(work.rows, work.otherOrigins).alreadyApplied();
          transaction.end();
          counters.addTransaction(work.rows.size(), Duration.ofNanos(System.nanoTime() - started));
          readiness.set(SINK_UNAVAILABLE, false);
          return Map.of();
        } catch (FencedException e) {
          failed(transaction, e);
          throw e;
        } catch (SQLException e) {
          failed(transaction, e);
          if (!rewrittenAfterTableChange
              && FailureClassifier.signalsTableChange(e)
              && sink.refreshDefinitions(work.rows, definitions)) {
            rewrittenAfterTableChange = true;
            continue;
          }
          failed = FailureClassifier.classify(e);
          if (failed == FailureClass.UNKNOWN) {
            unknownFailures++;
          }
          boolean isolate =
              failed == FailureClass.PERMANENT
                  || (failed == FailureClass.UNKNOWN && unknownFailures >= maxAttempts);
          if (!isolate || e instanceof CommitInDoubtException) {
            throw e;
          }
        }
        long isolationStarted = System.nanoTime();
        Span isolating = tracer.transaction(work.spansToWrite(), work.rows.size(), true);
        Map<Integer, SQLException> bad;
        try {
          Written written = sink.writeIsolating(work.rows, work.otherOrigins);
          bad = written.rejected();
          work.alreadyApplied = written.alreadyApplied();
          isolating.end();
        } catch (SQLException | FencedException e) {
          failed(isolating, e);
          throw e;
        }
        counters.addTransaction(
            work.rows.size() - bad.size(), Duration.ofNanos(System.nanoTime() - isolationStarted));
        readiness.set(SINK_UNAVAILABLE, false);
        Map<Integer, SinkRejection> out = new HashMap<>();
        int attempts = attempt + 1;
        bad.forEach((i, e) -> out.put(i, new SinkRejection(e, attempts)));
        return out;
      } catch (FencedException e) {
        fence(work, e);
        continue;
      } catch (SQLException e) {
        inDoubt |= e instanceof CommitInDoubtException;
        failed = FailureClassifier.classify(e);
        readiness.set(SINK_UNAVAILABLE, failed == FailureClass.TRANSIENT);
        Optional<String> timeout = FailureClassifier.timeoutKind(e);
        timeout.ifPresent(counters::addSinkTimeout);
        logRetry(work, attempt, failed, timeout, e);
      }
      counters.addRetry(failed.name());
      if (backoffWait.await(backoff.delay(attempt++))) {
        return null;
      }
    }
  }

  private static void failed(Span transaction, Exception e) {
    transaction.recordException(e);
    transaction.setStatus(StatusCode.ERROR, FailureClassifier.classify(e).name());
    transaction.end();
  }

  /**
   * After a COMMIT whose outcome is unknown, asks the sink which records that transaction applied
   * and takes them out of the work, so that they are completed and never written twice.
   */
  private void settleInDoubt(BatchWork work) throws SQLException {
    List<Origin> origins = work.origins();
    Set<Origin> applied = sink.alreadyApplied(origins);
    log.warn(
        "the connection failed during a COMMIT; the transaction had {}: {} of {} records applied",
        applied.isEmpty() ? "rolled back" : "committed",
        applied.size(),
        origins.size());
    counters.addCommitInDoubt(!applied.isEmpty());
    work.moveApplied(applied);
  }

  private void fence(BatchWork work, FencedException e) {
    counters.addFenced();
    for (WorkItem item : work.rowItems) {
      if (e.partitions().contains(item.partition().partition())) {
        item.partition().fence();
      }
    }
    for (WorkItem item : work.otherItems) {
      if (e.partitions().contains(item.partition().partition())) {
        item.partition().fence();
      }
    }
    log.warn(
        "transaction rolled back: another worker claimed {}; its records are left to that worker",
        e.partitions());
    work.dropFenced(e.partitions());
  }

  /**
   * Logs a retried write, rate-limited across the workers: the first, then one line per interval
   * that says how many retries it stands for.
   */
  private void logRetry(
      BatchWork work,
      int attempt,
      FailureClass failureClass,
      Optional<String> timeout,
      Exception e) {
    long count = retryWarnings.occurred();
    if (count == 0) {
      return;
    }
    Set<TopicPartition> partitions = new TreeSet<>(Comparator.comparing(TopicPartition::toString));
    work.origins().forEach(o -> partitions.add(o.partition()));
    log.warn(
        "writing a batch of {} rows of {} failed ({}{}, attempt {}), retrying after backoff{}: {}",
        work.rows.size(),
        partitions,
        failureClass.name().toLowerCase(Locale.ROOT),
        timeout.map(kind -> ": database." + kind + "-timeout ran out").orElse(""),
        attempt,
        count > 1 ? " (" + count + " failed writes since the last such warning)" : "",
        serverMessage(e));
  }

  /**
   * The error the server sent. A failed JDBC batch's own message quotes every statement of the
   * batch with its values, which belong neither in a log line nor in its length; the server's error
   * is the next exception then.
   */
  private static String serverMessage(Exception e) {
    SQLException next = e instanceof BatchUpdateException batch ? batch.getNextException() : null;
    return next != null ? next.getMessage() : e.getMessage();
  }
}
