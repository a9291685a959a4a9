package dev.ferry.pipeline;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.deadletter.DeadLetter;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.BatchProcessor;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.Row;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *   <li>unknown: retried up to {@code retry.max-attempts}, then isolated like a permanent one.
 * </ul>
 *
 * A tombstone (null value) carries nothing to insert and is skipped. Thread-safe: holds no state
 * per batch.
 */
public final class PipelineProcessor implements BatchProcessor {
  private static final Logger log = LoggerFactory.getLogger(PipelineProcessor.class);

  private final Map<String, Pipeline> byTopic = new HashMap<>();
  private final RecordDecoder decoder = new RecordDecoder();
  private final PostgresSink sink;
  private final DeadLetterPublisher deadLetters;
  private final Backoff backoff;
  private final int maxAttempts;
  private final StopSignal stop;
  private final WorkerCounters counters;

  private record Pipeline(PipelineSettings settings, RowMapper mapper) {}

  public PipelineProcessor(
      FerryConfig config,
      PostgresSink sink,
      DeadLetterPublisher deadLetters,
      Backoff backoff,
      StopSignal stop,
      WorkerCounters counters) {
    for (PipelineSettings p : config.pipelines()) {
      Pipeline pipeline = new Pipeline(p, new RowMapper(List.copyOf(p.columns().values())));
      p.topics().forEach(topic -> byTopic.put(topic, pipeline));
    }
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.maxAttempts = config.retry().maxAttempts();
    this.stop = stop;
    this.counters = counters;
  }

  @Override
  public void process(List<WorkItem> batch) throws InterruptedException {
    List<WorkItem> mapped = new ArrayList<>(batch.size());
    List<Row> rows = new ArrayList<>(batch.size());
    List<DeadLetter> rejected = new ArrayList<>();
    List<WorkItem> done = new ArrayList<>(batch.size());
    for (WorkItem item : batch) {
      if (item.record().value() == null) {
        counters.addTombstoneSkipped();
        done.add(item);
        continue;
      }
      Pipeline pipeline = byTopic.get(item.record().topic());
      try {
        rows.add(
            new Row(
                pipeline.settings().name(),
                pipeline.mapper().map(decoder.decode(item.record().value()))));
        mapped.add(item);
      } catch (RecordFailure f) {
        rejected.add(
            new DeadLetter(item.record(), pipeline.settings().name(), f.stage(), f.reason(), f, 1));
        done.add(item);
      }
    }
    if (!rows.isEmpty()) {
      Optional<Map<Integer, SinkRejection>> sinkRejections = write(rows);
      if (sinkRejections.isEmpty()) {
        return; // stopping: leave the batch incomplete, it will be read again
      }
      sinkRejections
          .get()
          .forEach(
              (index, rejection) -> {
                WorkItem item = mapped.get(index);
                rejected.add(
                    new DeadLetter(
                        item.record(),
                        rows.get(index).pipeline(),
                        Stage.SINK,
                        FailureClassifier.sinkReason(rejection.error()),
                        rejection.error(),
                        rejection.attempts()));
              });
      counters.addApplied(rows.size() - sinkRejections.get().size());
      done.addAll(mapped);
    }
    for (DeadLetter letter : rejected) {
      if (!deadLetters.publish(letter)) {
        return; // stopping before the DLT acknowledged: do not complete anything unacknowledged
      }
      counters.addDeadLettered();
    }
    done.forEach(WorkItem::complete);
  }

  private record SinkRejection(SQLException error, int attempts) {}

  /**
   * Writes the rows, retrying as their failure class says.
   *
   * @return the rows rejected as permanently bad, by index; empty if the worker stopped first
   */
  private Optional<Map<Integer, SinkRejection>> write(List<Row> rows) throws InterruptedException {
    int unknownFailures = 0;
    for (int attempt = 1; ; attempt++) {
      boolean isolate = false;
      try {
        sink.write(rows);
        counters.addTransaction();
        return Optional.of(Map.of());
      } catch (SQLException e) {
        FailureClass failureClass = FailureClassifier.classify(e);
        if (failureClass == FailureClass.UNKNOWN) {
          unknownFailures++;
        }
        isolate =
            failureClass == FailureClass.PERMANENT
                || (failureClass == FailureClass.UNKNOWN && unknownFailures >= maxAttempts);
        if (!isolate) {
          logRetry(rows, attempt, failureClass, e);
        }
      }
      if (isolate) {
        try {
          Map<Integer, SQLException> bad = sink.writeIsolating(rows);
          counters.addTransaction();
          Map<Integer, SinkRejection> out = new HashMap<>();
          int attempts = attempt + 1;
          bad.forEach((i, e) -> out.put(i, new SinkRejection(e, attempts)));
          return Optional.of(out);
        } catch (SQLException e) {
          logRetry(rows, attempt, FailureClassifier.classify(e), e);
        }
      }
      counters.addRetry();
      if (stop.await(backoff.delay(attempt))) {
        return Optional.empty();
      }
    }
  }

  private static void logRetry(
      List<Row> rows, int attempt, FailureClass failureClass, Exception e) {
    log.warn(
        "writing a batch of {} rows failed ({}, attempt {}), retrying after backoff: {}",
        rows.size(),
        failureClass.name().toLowerCase(java.util.Locale.ROOT),
        attempt,
        e.getMessage());
  }
}
