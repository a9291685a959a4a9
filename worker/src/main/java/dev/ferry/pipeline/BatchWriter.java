package dev.ferry.pipeline;

import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.TimeoutKind;
import dev.ferry.errors.WarnThrottle;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
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
 *       at once, once, with the new statements, before any of the above; a table looked up per
 *       record that was dropped: handed back, so that its records are routed again;
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
   *     were written); null if the worker stopped first, leaving the work unwritten, or when a
   *     table of the rows was found dropped ({@link BatchWork#droppedTargets} then names it; see
   *     {@link RouteAgain})
   */
  Map<Integer, Rejection> write(BatchWork work) throws InterruptedException {
    int unknownFailures = 0;
    boolean inDoubt = false;
    boolean rewrittenAfterTableChange = false;
    for (int attempt = 1; ; ) {
      SinkResult outcome = inDoubt ? settleInDoubt(work) : null;
      if (outcome == null) {
        inDoubt = false;
        if (work.isEmpty()) {
          return Map.of();
        }
        long definitions = sink.definitionsGeneration();
        outcome = writeWhole(work);
        if (outcome instanceof SinkResult.RolledBack r) {
          if (!rewrittenAfterTableChange
              && r.tableChanged()
              && sink.refreshDefinitions(work.rows, definitions)) {
            if (work.routedAgain < RouteAgain.MAX_ROUNDS) {
              Set<String> dropped = sink.droppedTargets(work.rows);
              if (!dropped.isEmpty()) {
                work.droppedTargets = dropped;
                return null; // their records are routed again, then written again
              }
            }
            rewrittenAfterTableChange = true;
            continue;
          }
          if (r.failureClass() == FailureClass.UNKNOWN) {
            unknownFailures++;
          }
          if (r.failureClass() == FailureClass.PERMANENT
              || (r.failureClass() == FailureClass.UNKNOWN && unknownFailures >= maxAttempts)) {
            outcome = isolate(work, attempt + 1);
          }
        }
      }
      if (outcome instanceof SinkResult.Committed committed) {
        return rejections(committed.written(), attempt + 1);
      }
      if (outcome instanceof SinkResult.Fenced fenced) {
        fence(work, fenced.partitions());
        continue;
      }
      SinkResult.Failed failed = (SinkResult.Failed) outcome;
      inDoubt |= failed instanceof SinkResult.InDoubt;
      readiness.set(
          PipelineProcessor.SINK_UNAVAILABLE, failed.failureClass() == FailureClass.TRANSIENT);
      failed.timeout().ifPresent(counters::addSinkTimeout);
      logRetry(work, attempt, failed.failureClass(), failed.timeout(), failed.cause());
      counters.addRetry(failed.failureClass());
      if (backoffWait.await(backoff.delay(attempt++))) {
        return null;
      }
    }
  }

  /**
   * Writes the whole work in one transaction.
   *
   * @return committed, or why not (the transaction rolled back, was fenced, or is in doubt)
   */
  private SinkResult writeWhole(BatchWork work) {
    Instant started = clock.instant();
    Span transaction = tracer.transaction(work.spansToWrite(), work.rows.size(), false);
    SinkResult outcome = sink.write(work.rows, work.otherOrigins);
    if (outcome instanceof SinkResult.Committed committed) {
      work.alreadyApplied = committed.written().alreadyApplied();
      work.stale = committed.written().stale();
      transaction.end();
      counters.addTransaction(work.rows.size(), Duration.between(started, clock.instant()));
      readiness.set(PipelineProcessor.SINK_UNAVAILABLE, false);
    } else {
      failed(transaction, outcome);
    }
    return outcome;
  }

  /**
   * Writes the work row by row behind savepoints in one transaction: the good rows commit.
   *
   * @return committed with the refused rows ({@link Written#rejected}), or why not
   */
  private SinkResult isolate(BatchWork work, int attempts) {
    Instant started = clock.instant();
    Span isolating = tracer.transaction(work.spansToWrite(), work.rows.size(), true);
    SinkResult outcome = sink.writeIsolating(work.rows, work.otherOrigins, work.hold);
    if (!(outcome instanceof SinkResult.Committed committed)) {
      failed(isolating, outcome);
      return outcome;
    }
    Written written = committed.written();
    work.alreadyApplied = written.alreadyApplied();
    work.stale = written.stale();
    work.held = written.held();
    isolating.end();
    counters.addTransaction(
        work.rows.size() - written.rejected().size() - written.held().size(),
        Duration.between(started, clock.instant()));
    readiness.set(PipelineProcessor.SINK_UNAVAILABLE, false);
    return outcome;
  }

  /** The rows a committed write refused, by index into {@code work.rows}. */
  private static Map<Integer, Rejection> rejections(Written written, int attempts) {
    if (written.rejected().isEmpty()) {
      return Map.of();
    }
    Map<Integer, Rejection> out = new HashMap<>();
    written.rejected().forEach((i, e) -> out.put(i, new Rejection(e, attempts)));
    return out;
  }

  private static void failed(Span transaction, SinkResult outcome) {
    if (outcome instanceof SinkResult.Failed failed) {
      transaction.recordException(failed.cause());
      transaction.setStatus(StatusCode.ERROR, failed.failureClass().name());
    } else if (outcome instanceof SinkResult.Fenced fenced) {
      transaction.setStatus(
          StatusCode.ERROR, "fenced: another worker claimed " + fenced.partitions());
    }
    transaction.end();
  }

  /**
   * After a COMMIT whose outcome is unknown, asks the sink which records that transaction applied
   * and takes them out of the work, so that they are completed and never written twice.
   *
   * @return null once settled; the failure of the question otherwise (still in doubt)
   */
  private SinkResult.Failed settleInDoubt(BatchWork work) {
    List<Origin> origins = work.origins();
    Set<Origin> applied;
    try {
      applied = sink.alreadyApplied(origins);
    } catch (SQLException e) {
      return SinkResult.failed(e);
    }
    log.warn(
        "the connection failed during a COMMIT; the transaction had {}: {} of {} records applied",
        applied.isEmpty() ? "rolled back" : "committed",
        applied.size(),
        origins.size());
    counters.addCommitInDoubt(!applied.isEmpty());
    work.moveApplied(applied);
    return null;
  }

  private void fence(BatchWork work, Set<TopicPartition> partitions) {
    counters.addFenced();
    for (WorkItem item : work.rowItems) {
      if (partitions.contains(item.partition().partition())) {
        item.partition().fence();
      }
    }
    for (WorkItem item : work.otherItems) {
      if (partitions.contains(item.partition().partition())) {
        item.partition().fence();
      }
    }
    log.warn(
        "transaction rolled back: another worker claimed {}; its records are left to that worker",
        partitions);
    work.dropFenced(partitions);
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
