package dev.ferry.pipeline;

import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.TimeoutKind;
import dev.ferry.errors.WarnThrottle;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.CommitInDoubtException;
import dev.ferry.sink.FencedException;
import dev.ferry.sink.Origin;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.Written;
import dev.ferry.tracing.RecordTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
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
 * Writes a batch's rows, with the offset markers of all its records, in one Postgres transaction,
 * and keeps at it until the batch is written, the rows Postgres refuses for good are known, or the
 * worker stops. What a failed write leads to depends on its class:
 *
 * <ul>
 *   <li>transient (connection lost, deadlock, a timeout): the whole batch is written again after
 *       backoff, for as long as it takes; readiness says {@link PipelineProcessor#SINK_UNAVAILABLE}
 *       meanwhile;
 *   <li>unknown: likewise, up to {@code retry.max-attempts} times, then isolated as if permanent;
 *   <li>permanent (bad value, constraint): written once more row by row behind savepoints, so that
 *       the good rows commit and the refused ones are returned;
 *   <li>a table changed under the batch (the server says so and a re-read confirms): written again
 *       at once, once, with the new statements, before any of the above;
 *   <li>fenced (another worker claimed a partition): that partition's records are taken out of the
 *       work and left to the other worker; the rest is written again at once;
 *   <li>a COMMIT whose reply was lost: before the next attempt the markers say what it applied, and
 *       those records are moved out of the work, so nothing is written twice.
 * </ul>
 *
 * The records to write are those of the {@link BatchWork}; the writer takes records out of it
 * (fenced, applied in doubt) and sets {@link BatchWork#alreadyApplied}. Thread-safe: holds no state
 * per batch.
 */
final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  /** At most one warning about retried writes per this interval, with a count. */
  private static final Duration RETRY_WARNING_INTERVAL = Duration.ofSeconds(30);

  /** A row Postgres refused for good, and how many attempts writing it took. */
  record Rejection(SQLException error, int attempts) {}

  private final RowSink sink;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Waiter backoffWait;
  private final WorkerCounters counters;
  private final Readiness readiness;
  private final RecordTracer tracer;
  private final Clock clock;
  private final WarnThrottle retryWarnings;

  /**
   * @param maxAttempts how often an unknown failure is retried before the batch is isolated
   * @param backoffWait the wait between attempts; it answers true when the worker stops
   */
  BatchWriter(
      RowSink sink,
      Backoff backoff,
      int maxAttempts,
      Waiter backoffWait,
      WorkerCounters counters,
      Readiness readiness,
      Clock clock,
      RecordTracer tracer) {
    this.sink = sink;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.backoffWait = backoffWait;
    this.counters = counters;
    this.readiness = readiness;
    this.tracer = tracer;
    this.clock = clock;
    this.retryWarnings = new WarnThrottle(clock, RETRY_WARNING_INTERVAL);
  }

  /**
   * Writes the work, retrying as the failure class says and dropping fenced partitions.
   *
   * @return the rows refused as permanently bad, by index into {@code work.rows} (empty when all
   *     were written); null if the worker stopped first, leaving the work unwritten
   */
  Map<Integer, Rejection> write(BatchWork work) throws InterruptedException {
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
        long definitions = sink.definitionsGeneration();
        Optional<SQLException> refused = writeWhole(work);
        if (refused.isEmpty()) {
          return Map.of();
        }
        SQLException e = refused.get();
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
        return isolate(work, attempt + 1);
      } catch (FencedException e) {
        fence(work, e);
        continue;
      } catch (SQLException e) {
        inDoubt |= e instanceof CommitInDoubtException;
        failed = FailureClassifier.classify(e);
        readiness.set(PipelineProcessor.SINK_UNAVAILABLE, failed == FailureClass.TRANSIENT);
        Optional<TimeoutKind> timeout = FailureClassifier.timeoutKind(e);
        timeout.ifPresent(counters::addSinkTimeout);
        logRetry(work, attempt, failed, timeout, e);
      }
      counters.addRetry(failed);
      if (backoffWait.await(backoff.delay(attempt++))) {
        return null;
      }
    }
  }

  /**
   * Writes the whole work in one transaction.
   *
   * @return empty once committed; the failure otherwise (the transaction rolled back)
   */
  private Optional<SQLException> writeWhole(BatchWork work) throws FencedException {
    Instant started = clock.instant();
    Span transaction = tracer.transaction(work.spansToWrite(), work.rows.size(), false);
    try {
      Written written = sink.write(work.rows, work.otherOrigins);
      work.alreadyApplied = written.alreadyApplied();
      work.stale = written.stale();
      transaction.end();
      counters.addTransaction(work.rows.size(), Duration.between(started, clock.instant()));
      readiness.set(PipelineProcessor.SINK_UNAVAILABLE, false);
      return Optional.empty();
    } catch (FencedException e) {
      failed(transaction, e);
      throw e;
    } catch (SQLException e) {
      failed(transaction, e);
      return Optional.of(e);
    }
  }

  /**
   * Writes the work row by row behind savepoints in one transaction: the good rows commit.
   *
   * @param attempts the attempts it took, this one included, for the dead letters
   * @return the refused rows, by index into {@code work.rows}
   */
  private Map<Integer, Rejection> isolate(BatchWork work, int attempts)
      throws SQLException, FencedException {
    Instant started = clock.instant();
    Span isolating = tracer.transaction(work.spansToWrite(), work.rows.size(), true);
    Map<Integer, SQLException> bad;
    try {
      Written written = sink.writeIsolating(work.rows, work.otherOrigins);
      bad = written.rejected();
      work.alreadyApplied = written.alreadyApplied();
      work.stale = written.stale();
      isolating.end();
    } catch (SQLException | FencedException e) {
      failed(isolating, e);
      throw e;
    }
    counters.addTransaction(
        work.rows.size() - bad.size(), Duration.between(started, clock.instant()));
    readiness.set(PipelineProcessor.SINK_UNAVAILABLE, false);
    Map<Integer, Rejection> out = new HashMap<>();
    bad.forEach((i, e) -> out.put(i, new Rejection(e, attempts)));
    return out;
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
      Optional<TimeoutKind> timeout,
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
        timeout.map(kind -> ": database." + kind.label() + "-timeout ran out").orElse(""),
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
