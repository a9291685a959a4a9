package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.RetrySettings;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.DeadLetter;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.BatchProcessor;
import dev.ferry.dispatch.LaterQueue;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.SqlStateClasses;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.SkipReason;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.TablesUnavailableException;
import dev.ferry.tracing.RecordTracer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Applies a batch: decodes and maps every record, writes the rows in one transaction, and
 * dead-letters the records that cannot be applied. The write and its retries are the {@link
 * BatchWriter}'s: transient failures are retried for as long as it takes and dead-letter nothing;
 * permanent ones (and unknown ones after {@code retry.max-attempts}) are isolated row by row behind
 * savepoints, so that only the rows Postgres refuses go to the DLT and the rest commit; a fenced
 * partition's records are left to the worker that claimed it.
 *
 * <p>Records that fail to decode are dead-lettered before the transaction, so that the
 * transaction's offset markers can include them; rows rejected by Postgres are dead-lettered after
 * it. A tombstone (null value) follows the pipeline's policy: skipped, a delete by key, or a dead
 * letter. When a pipeline is halted in the middle of a batch (the breaker trips, or the DLT refuses
 * a dead letter for good, see {@link DeadLetterStep}), only the records whose dead letter was not
 * sent stay incomplete and unmarked; the rest of the batch, other pipelines' records included, is
 * applied and completed. A replayed copy of an original record applied before is completed without
 * a write ({@link ReplayCopies}). Records whose table was found dropped while their batch was
 * written are routed again ({@link RouteAgain}). Thread-safe: holds no state per batch.
 */
public final class PipelineProcessor implements BatchProcessor {
  /** The readiness reason while writes fail transiently (Postgres down, overloaded …). */
  public static final String SINK_UNAVAILABLE = "sink-unavailable";

  /** The readiness reason while the schema registry cannot be asked for a schema a batch needs. */
  public static final String REGISTRY_UNAVAILABLE = RegistryOutage.REGISTRY_UNAVAILABLE;

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PipelineProcessor.class);

  private final List<Pipeline> pipelines;

  /** Each topic's pipeline, resolved once: many workers read it. */
  private final Map<String, Pipeline> byTopic = new ConcurrentHashMap<>();

  private final BatchWriter writer;
  private final DeadLetterStep deadLetters;
  private final WorkerCounters counters;
  private final DeadLetterBreaker breaker;
  private final Clock clock;
  private final RecordTracer tracer;
  private final RegistryOutage registryOutage;
  private final Readiness readiness;
  private final Backoff backoff;
  private final Waiter backoffWait;
  private final RouteAgain routeAgain;
  private final RetryLater retryLater;

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
    this.pipelines = List.copyOf(pipelines);
    this.retryLater =
        new RetryLater(SqlStateClasses.of(retry.sqlStates()), retry.later(), clock, counters);
    this.writer =
        new BatchWriter(
            sink, backoff, retry.maxAttempts(), backoffWait, counters, readiness, clock, tracer);
    this.deadLetters = new DeadLetterStep(deadLetters, breaker, counters, readiness);
    this.counters = counters;
    this.breaker = breaker;
    this.clock = clock;
    this.tracer = tracer;
    this.registryOutage = new RegistryOutage(backoff, backoffWait, readiness);
    this.readiness = readiness;
    this.backoff = backoff;
    this.backoffWait = backoffWait;
    this.routeAgain =
        new RouteAgain(
            (item, origin) ->
                rows(
                    byTopic.computeIfAbsent(item.record().topic(), this::pipelineOf), item, origin),
            this.deadLetters,
            backoff,
            backoffWait,
            readiness);
  }

  /** The pipeline of a topic the poll loop subscribed to, by {@link TopicRouting}'s rules. */
  private Pipeline pipelineOf(String topic) {
    int i =
        TopicRouting.indexOf(
            pipelines, p -> p.settings().topics(), p -> p.settings().topicPattern(), topic);
    return i < 0 ? null : pipelines.get(i);
  }

  @Override
  public void process(List<WorkItem> batch) throws InterruptedException {
    process(batch, LaterQueue.NONE);
  }

  @Override
  public void process(List<WorkItem> batch, LaterQueue later) throws InterruptedException {
    BatchWork work = prepareWaitingForRegistry(batch, later);
    if (work == null) {
      return; // stopping while the registry was down: the batch is read again
    }
    try {
      process(work);
    } finally {
      work.endSpans();
    }
  }

  /**
   * Prepares the batch, again and again after backoff while the schema registry cannot be asked: an
   * outage dead-letters nothing.
   *
   * @return the prepared work; null if the worker stopped first, leaving the batch incomplete
   */
  private BatchWork prepareWaitingForRegistry(List<WorkItem> batch, LaterQueue later)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      BatchWork work = new BatchWork();
      work.later = later;
      try {
        List<WorkItem> behind = prepare(batch, work);
        registryOutage.prepared();
        behind.forEach(later::behind); // once prepared: a prepare that failed is done again
        if (later != LaterQueue.NONE) {
          work.hold = retryLater.hold(work);
        }
        return work;
      } catch (RegistryUnavailableException e) {
        work.endSpans();
        if (registryOutage.waitAfter(e, attempt)) {
          return null;
        }
      } catch (TablesUnavailableException e) {
        // A routed table could not be described (Postgres down): like a failed write, transient.
        work.endSpans();
        readiness.set(SINK_UNAVAILABLE, true);
        log.warn("batch waits: {}", e.getMessage());
        if (backoffWait.await(backoff.delay(attempt))) {
          return null;
        }
      }
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
    Map<Integer, BatchWriter.Rejection> rejected = writer.write(work);
    while (rejected == null && !work.droppedTargets.isEmpty()) {
      if (!routeAgain.route(work)) {
        return; // stopping: leave the batch incomplete, it will be read again
      }
      rejected = writer.write(work);
    }
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
    Set<WorkItem> waiting = retryLater.leaveWaiting(work, rejected, failedRecords);
    Map<WorkItem, Integer> notApplied = NotApplied.with(work, failedRecords, counters);
    if (!waiting.isEmpty()) {
      notApplied = new LinkedHashMap<>(notApplied);
      for (WorkItem item : waiting) {
        notApplied.putIfAbsent(item, -1);
      }
    }
    NotApplied.collectApplied(
        work.rows, work.rowItems, notApplied, appliedRecords, appliedByPipeline);
    NotApplied.collectApplied(
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
    Set<WorkItem> notSent = deadLetterRejected(work, rejected, failedRecords, waiting);
    if (notSent == null) {
      return; // stopping: the committed rows are in the markers, skipped when read again
    }
    work.completed = notSent.isEmpty() && !someUnsent && waiting.isEmpty();
    if (!waiting.isEmpty()) {
      notSent = notSent.isEmpty() ? new HashSet<>() : notSent;
      notSent.addAll(waiting); // waiting records are not complete either
    }
    NotApplied.completeEach(work.rowItems, notSent);
    work.otherItems.forEach(WorkItem::complete);
    NotApplied.completeEach(work.appliedRowItems, Set.of());
    work.appliedOtherItems.forEach(WorkItem::complete);
  }

  /**
   * Dead-letters the records whose rows Postgres rejected, except those left {@code waiting}.
   *
   * @return the records whose dead letter was not sent because their pipeline is halted: they stay
   *     incomplete (their rows were rolled back, so they have no marker) and are read again after a
   *     resume; null if the worker is stopping
   */
  private Set<WorkItem> deadLetterRejected(
      BatchWork work,
      Map<Integer, BatchWriter.Rejection> rejected,
      Map<WorkItem, Integer> failedRecords,
      Set<WorkItem> waiting)
      throws InterruptedException {
    Set<WorkItem> notSent = Set.of();
    for (Map.Entry<WorkItem, Integer> e : failedRecords.entrySet()) {
      if (!waiting.isEmpty() && waiting.contains(e.getKey())) {
        continue;
      }
      BatchWriter.Rejection rejection = rejected.get(e.getValue());
      DeadLetter letter =
          new DeadLetter(
              e.getKey().record(),
              work.rows.get(e.getValue()).pipeline(),
              FailureClassifier.sinkReason(rejection.error()),
              rejection.error(),
              rejection.attempts() + RetryLater.refusalsBefore(work, e.getKey()));
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

  /**
   * Decodes and maps each record of the batch into {@code work}.
   *
   * @throws RegistryUnavailableException when the registry could not be asked for a schema: the
   *     work is incomplete and must be thrown away
   */
  private List<WorkItem> prepare(List<WorkItem> batch, BatchWork work)
      throws RegistryUnavailableException {
    List<WorkItem> behind = List.of();
    for (WorkItem item : batch) {
      Pipeline pipeline = byTopic.computeIfAbsent(item.record().topic(), this::pipelineOf);
      String name = pipeline.name();
      if (breaker.isHalted(name)) {
        continue; // halted: not processed, not completed; read again after resume or restart
      }
      if (work.later.holds(item)) { // a record of its key waits (retry later): it waits behind
        behind = behind.isEmpty() ? new ArrayList<>() : behind;
        behind.add(item);
        continue;
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
        List<Row> rows = rows(pipeline, item, origin);
        if (rows.isEmpty()) {
          if (item.record().value() != null) {
            counters.addSkipped(name, pipeline.emptyReason());
          }
          work.otherItems.add(item);
          work.otherOrigins.add(origin);
        }
        for (Row row : rows) {
          work.rows.add(row);
          work.rowItems.add(item);
        }
      } catch (RecordFailure f) {
        work.decodeFailures.add(new DeadLetter(item.record(), name, f.reason(), f, 1));
        work.otherItems.add(item);
        work.otherOrigins.add(origin);
      }
    }
    return behind;
  }

  private List<Row> rows(Pipeline pipeline, WorkItem item, Origin origin)
      throws RecordFailure, RegistryUnavailableException {
    ConsumerRecord<byte[], byte[]> record = item.record();
    if (record.value() == null) {
      return tombstone(pipeline, item, origin);
    }
    ObjectNode value = pipeline.decode(record.value());
    return pipeline.rows(value, pipeline.decodeKey(record), record, origin);
  }

  /**
   * Applies the pipeline's tombstone policy.
   *
   * @return the delete row, or no row when the tombstone is skipped
   * @throws RecordFailure when the record must be dead-lettered
   */
  private List<Row> tombstone(Pipeline pipeline, WorkItem item, Origin origin)
      throws RecordFailure, RegistryUnavailableException {
    return switch (pipeline.settings().tombstones()) {
      case DELETE ->
          List.of(pipeline.delete(item.record(), pipeline.decodeKey(item.record()), origin));
      case DEAD_LETTER ->
          throw new RecordFailure(
              Reason.TOMBSTONE,
              "the value is null (a tombstone) and the pipeline's tombstone policy is"
                  + " dead-letter");
      case SKIP -> {
        counters.addSkipped(pipeline.name(), SkipReason.TOMBSTONE);
        yield List.of();
      }
    };
  }
}
