package dev.ferry.metrics;

import dev.ferry.errors.FailureClass;
import dev.ferry.errors.Reason;
import dev.ferry.errors.TimeoutKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the workers did, as Micrometer meters with low-cardinality labels (pipeline, reason, class);
 * the totals read back for tests and logs. Declared here and in {@link MetricsCatalog}, documented
 * in {@code docs/metrics.md}. Thread-safe.
 */
public final class WorkerCounters {
  private final MeterRegistry registry;
  private final Counter transactions;
  private final Counter fenced;
  private final DistributionSummary batchSize;
  private final Timer transactionDuration;
  private final Timer endToEnd;

  /** Counters that nobody scrapes, for tests. */
  public WorkerCounters() {
    this(new SimpleMeterRegistry());
  }

  public WorkerCounters(MeterRegistry registry) {
    this.registry = registry;
    this.transactions =
        Counter.builder("ferry.transactions")
            .description("Postgres transactions committed")
            .register(registry);
    this.fenced =
        Counter.builder("ferry.transactions.fenced")
            .description(
                "Transactions rolled back because another worker claimed one of their partitions")
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("ferry.batch.size")
            .description("Rows written per committed transaction")
            .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 5000)
            .register(registry);
    this.transactionDuration =
        Timer.builder("ferry.transaction.duration")
            .description("Time from the start of a write transaction to its commit")
            .serviceLevelObjectives(
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5))
            .register(registry);
    this.endToEnd =
        Timer.builder("ferry.end.to.end.latency")
            .description("Time from a record's Kafka timestamp to the commit of its row")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(5))
            .register(registry);
    for (FailureClass failureClass : FailureClass.values()) {
      retries(failureClass);
    }
    for (TimeoutKind kind : TimeoutKind.values()) {
      sinkTimeouts(kind);
    }
    commitsInDoubt(true);
    commitsInDoubt(false);
  }

  /**
   * Registers every series of these pipelines at 0, one per reason where the counter has a reason
   * label, so that {@code /metrics} shows them before anything happened: a rate or an alert over a
   * series works from the start, not from its first increment.
   */
  public void registerPipelines(Collection<String> pipelines) {
    for (String pipeline : pipelines) {
      applied(pipeline);
      for (SkipReason reason : SkipReason.values()) {
        skipped(pipeline, reason);
      }
      for (Reason reason : Reason.values()) {
        deadLettered(pipeline, reason);
      }
      retriedLater(pipeline);
    }
  }

  /** Reports the records waiting to be written again later, in every lane: {@code waiting}. */
  public void registerWaiting(AtomicInteger waiting) {
    Gauge.builder("ferry.records.waiting", waiting, AtomicInteger::get)
        .description(
            "Records waiting to be written again later (retry later), and the records of their keys"
                + " behind them")
        .register(registry);
  }

  /** A record whose write was refused for a retry-later SQLSTATE, left to be written again. */
  public void addRetriedLater(String pipeline) {
    retriedLater(pipeline).increment();
  }

  private Counter retriedLater(String pipeline) {
    return counter(
        "ferry.records.retried.later",
        "Refused writes of records left to be written again later (retry later)",
        "pipeline",
        pipeline);
  }

  public void addApplied(String pipeline, int records) {
    applied(pipeline).increment(records);
  }

  /** A record completed without a write. */
  public void addSkipped(String pipeline, SkipReason reason) {
    skipped(pipeline, reason).increment();
  }

  /** A record whose dead letter the DLT acknowledged. */
  public void addDeadLettered(String pipeline, Reason reason) {
    deadLettered(pipeline, reason).increment();
  }

  /** A batch write retried after a failure of this class. */
  public void addRetry(FailureClass failureClass) {
    retries(failureClass).increment();
  }

  /** A batch write that failed because a bound ran out. */
  public void addSinkTimeout(TimeoutKind kind) {
    sinkTimeouts(kind).increment();
  }

  /** A committed transaction of {@code rows} rows that took {@code duration}. */
  public void addTransaction(int rows, Duration duration) {
    transactions.increment();
    batchSize.record(rows);
    transactionDuration.record(duration);
  }

  /** A record whose row committed {@code latency} after the record's timestamp. */
  public void recordEndToEnd(Duration latency) {
    if (!latency.isNegative()) {
      endToEnd.record(latency);
    }
  }

  public void addFenced() {
    fenced.increment();
  }

  /**
   * A COMMIT whose connection broke before its reply, settled by reading the offset markers.
   *
   * @param committed whether the transaction had committed after all
   */
  public void addCommitInDoubt(boolean committed) {
    commitsInDoubt(committed).increment();
  }

  // The labelled counters, declared once each; Micrometer returns the registered one on a repeat.

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  private Counter applied(String pipeline) {
    return counter("ferry.records.applied", "Records written to Postgres", "pipeline", pipeline);
  }

  private Counter skipped(String pipeline, SkipReason reason) {
    return counter(
        "ferry.records.skipped",
        "Records completed without a write",
        "pipeline",
        pipeline,
        "reason",
        reason.label());
  }

  private Counter deadLettered(String pipeline, Reason reason) {
    return counter(
        "ferry.records.dead.lettered",
        "Records sent to the dead-letter topic and acknowledged",
        "pipeline",
        pipeline,
        "reason",
        reason.code());
  }

  private Counter retries(FailureClass failureClass) {
    return counter(
        "ferry.retries",
        "Batch writes retried after a failure",
        "class",
        failureClass.name().toLowerCase(Locale.ROOT));
  }

  private Counter sinkTimeouts(TimeoutKind kind) {
    return counter(
        "ferry.sink.timeouts",
        "Batch writes that failed on a timeout, by kind: statement, lock, socket, acquire",
        "kind",
        kind.label());
  }

  private Counter commitsInDoubt(boolean committed) {
    return counter(
        "ferry.commits.in.doubt",
        "Commits whose connection broke before the reply, by what the markers showed",
        "outcome",
        committed ? "committed" : "rolled-back");
  }

  private double sum(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  public long applied() {
    return (long) sum("ferry.records.applied");
  }

  public long skipped() {
    return (long) sum("ferry.records.skipped");
  }

  public long deadLettered() {
    return (long) sum("ferry.records.dead.lettered");
  }

  /** Refused writes of records left to wait, in every pipeline. */
  public long retriedLater() {
    return (long) sum("ferry.records.retried.later");
  }

  public long retries() {
    return (long) sum("ferry.retries");
  }

  public long transactions() {
    return (long) transactions.count();
  }

  public long sinkTimeouts() {
    return (long) sum("ferry.sink.timeouts");
  }

  public long commitsInDoubt() {
    return (long) sum("ferry.commits.in.doubt");
  }

  /** Transactions rolled back because another worker had claimed one of their partitions. */
  public long fenced() {
    return (long) fenced.count();
  }
}
