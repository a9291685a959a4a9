package dev.ferry.metrics;

import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.deadletter.DeadLetterRefused;
import dev.ferry.dispatch.Lanes;
import dev.ferry.lifecycle.State;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import dev.ferry.source.PollLoop;
import dev.ferry.tracing.TracingSdk;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every meter of Ferry's own, declared in one place with its name, unit, description and tags, so
 * that {@code /metrics} is documented by construction ({@code docs/metrics.md} lists the same).
 * Names are Micrometer's dotted form; Prometheus sees them with {@code _} and, for counters, a
 * {@code _total} suffix. Labels are low-cardinality: pipeline, lane, reason, kind. Gauges over
 * lambdas hold them strongly (Micrometer's default weak reference would let them be collected).
 */
public final class MetricsCatalog {
  private MetricsCatalog() {}

  /**
   * Leaves out the library meters that break Prometheus' naming rules, so that a scrape passes
   * {@code promtool check metrics}: Kafka client meters in nanoseconds ({@code *-time-ns-*}),
   * meters without a description, and the JVM's {@code process.cpu.time} (ns) and {@code
   * system.cpu.count} (a gauge named like a summary's count). Call before any meter is registered.
   */
  public static void configure(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id ->
                    id.getName().matches(".*\\.(ns|ms)(\\..*)?")
                        || (id.getType() != Meter.Type.COUNTER && id.getName().endsWith(".count"))
                        || id.getName().equals("process.cpu.time")
                        || id.getDescription() == null
                        || id.getDescription().isBlank()));
  }

  /** The byte side of bounded memory, beside the record count ({@code worker.memory-budget}). */
  private static void registerMemoryBytes(MeterRegistry registry, Lanes lanes) {
    Gauge.builder("ferry.records.in.memory.bytes", lanes, Lanes::bytesInMemory)
        .description(
            "Estimated heap held by the records in memory (queued or in a batch): their size plus"
                + " what decoding and writing them costs")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ferry.records.in.memory.peak.bytes", lanes, Lanes::peakBytesInMemory)
        .description("The highest ferry_records_in_memory_bytes since start")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ferry.records.in.memory.limit.bytes", lanes, Lanes::byteLimit)
        .description(
            "What the records in memory may cost before partitions are paused: worker.memory-budget"
                + " less the consumer's fetch.max.bytes")
        .baseUnit("bytes")
        .register(registry);
  }

  /** The live state the meters read; every reader is cheap and thread-safe. */
  public record Sources(
      Lanes lanes,
      PollLoop pollLoop,
      DeadLetterBreaker breaker,
      List<String> pipelines,
      Supplier<State> state,
      BooleanSupplier ready,
      BooleanSupplier sinkAvailable,
      TransactionWatchdog watchdog,
      DeadLetterPublisher deadLetters,
      Optional<TracingSdk> tracing) {}

  /** The meters of dead letters that did not fit their topic, or were refused otherwise. */
  private static void registerDeadLetterRefusals(MeterRegistry registry, Sources s) {
    FunctionCounter.builder(
            "ferry.dead.letters.refused", s.deadLetters(), DeadLetterPublisher::refusedTooLarge)
        .description("Dead letters the DLT refused for good (their pipeline halts), by reason")
        .tag("reason", "too-large")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letters.refused", s.deadLetters(), p -> p.refused() - p.refusedTooLarge())
        .description("Dead letters the DLT refused for good (their pipeline halts), by reason")
        .tag("reason", "refused")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letters.headers.shed", s.deadLetters(), DeadLetterPublisher::headersShed)
        .description("Dead letters sent without their stack trace or long message, to fit")
        .register(registry);
    for (String pipeline : s.pipelines()) {
      Gauge.builder(
              "ferry.pipeline.dead.letter.too.large",
              s.breaker(),
              b -> b.isHaltedFor(pipeline, DeadLetterRefused.TOO_LARGE) ? 1 : 0)
          .description("1 while the pipeline is halted because a dead letter does not fit its DLT")
          .tag("pipeline", pipeline)
          .register(registry);
    }
  }

  /**
   * Registers the meters that read live state ({@link WorkerCounters} registers the ones the
   * workers count).
   *
   * @return refreshes the per-partition gauges; call it before each scrape
   */
  public static Runnable register(MeterRegistry registry, Sources s) {
    FunctionCounter.builder("ferry.records.consumed", s.pollLoop(), PollLoop::consumed)
        .description("Records taken from Kafka by the poll loop")
        .register(registry);
    FunctionCounter.builder(
            "ferry.records.already.applied", s.pollLoop(), PollLoop::skippedAsApplied)
        .description("Records completed without a write because an earlier owner had applied them")
        .register(registry);
    Gauge.builder(
            "ferry.oldest.uncommitted.age",
            s.pollLoop(),
            p -> p.oldestUncommittedAgeMillis() / 1000.0)
        .description("Seconds since the timestamp of the oldest record taken and not yet completed")
        .baseUnit("seconds")
        .register(registry);
    MultiGauge lag =
        MultiGauge.builder("ferry.consumer.lag")
            .description("Records in the partition after this worker's position")
            .register(registry);
    Gauge.builder("ferry.records.in.memory", s.lanes(), Lanes::inMemory)
        .description("Records held: queued in lanes or in a worker's batch")
        .register(registry);
    Gauge.builder("ferry.queue.capacity", s.lanes(), Lanes::capacity)
        .description("worker.queue-capacity: records held before partitions are paused")
        .register(registry);
    registerMemoryBytes(registry, s.lanes());
    for (int lane = 0; lane < s.lanes().count(); lane++) {
      int index = lane;
      Gauge.builder("ferry.lane.depth", s.lanes(), l -> l.depth(index))
          .description("Records queued in a lane, not yet taken by its worker")
          .tag("lane", Integer.toString(lane + 1))
          .register(registry);
    }
    Gauge.builder("ferry.partitions.assigned", s.pollLoop(), PollLoop::assignedPartitions)
        .description("Partitions assigned to this worker")
        .register(registry);
    Gauge.builder("ferry.partitions.paused", s.pollLoop(), PollLoop::pausedPartitions)
        .description("Assigned partitions paused (backpressure, claims, halts, drain)")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", s.pollLoop(), p -> p.rebalances().assignments())
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "assigned")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", s.pollLoop(), p -> p.rebalances().revocations())
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "revoked")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", s.pollLoop(), p -> p.rebalances().losses())
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "lost")
        .register(registry);
    for (String pipeline : s.pipelines()) {
      Gauge.builder("ferry.pipeline.halted", s.breaker(), b -> b.isHalted(pipeline) ? 1 : 0)
          .description("1 while the dead-letter breaker halts the pipeline")
          .tag("pipeline", pipeline)
          .register(registry);
    }
    Gauge.builder("ferry.sink.available", s.sinkAvailable(), a -> a.getAsBoolean() ? 1 : 0)
        .description("0 while writes to Postgres fail transiently")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "ferry.transaction.oldest.age", s.watchdog(), TransactionWatchdog::oldestAgeSeconds)
        .description("Seconds the oldest running Postgres transaction of this worker has run")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("ferry.transactions.stuck", s.watchdog(), TransactionWatchdog::stuckLanes)
        .description(
            "Lanes whose transaction the watchdog aborted and that have not committed since")
        .register(registry);
    FunctionCounter.builder(
            "ferry.transactions.aborted", s.watchdog(), TransactionWatchdog::aborted)
        .description("Transactions aborted by the watchdog after database.transaction-timeout")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letter.send.failures", s.deadLetters(), DeadLetterPublisher::failedSends)
        .description("Sends to the dead-letter topic that failed and were retried")
        .register(registry);
    registerDeadLetterRefusals(registry, s);
    s.tracing()
        .ifPresent(
            tracing -> {
              FunctionCounter.builder(
                      "ferry.tracing.spans.dropped", tracing, TracingSdk::droppedQueueFull)
                  .description("Spans dropped instead of waiting for the exporter, by reason")
                  .tag("reason", "queue-full")
                  .register(registry);
              FunctionCounter.builder(
                      "ferry.tracing.spans.dropped", tracing, TracingSdk::droppedExportFailed)
                  .description("Spans dropped instead of waiting for the exporter, by reason")
                  .tag("reason", "export-failed")
                  .register(registry);
            });
    Gauge.builder("ferry.ready", s.ready(), r -> r.getAsBoolean() ? 1 : 0)
        .description("1 when /health/ready answers 200")
        .strongReference(true)
        .register(registry);
    Gauge.builder("ferry.lifecycle.state", s.state(), st -> st.get().code())
        .description("0 starting, 1 running, 2 draining, 3 stopped, 4 failed")
        .strongReference(true)
        .register(registry);
    PollLoop loop = s.pollLoop();
    return () ->
        lag.register(
            loop.lags().entrySet().stream()
                .map(
                    e ->
                        MultiGauge.Row.of(
                            Tags.of(
                                "topic",
                                e.getKey().topic(),
                                "partition",
                                Integer.toString(e.getKey().partition())),
                            e.getValue()))
                .toList(),
            true);
  }

  /**
   * Registers the counter of table definition reads after start, by what triggered them ({@code
   * coercion-failure}, {@code sink-error}, {@code timer}) and what they found ({@code changed},
   * {@code unchanged}, {@code failed}, {@code rate-limited}).
   */
  public static void registerTableMetadata(MeterRegistry registry, TableDefinitions tables) {
    for (TableDefinitions.Trigger trigger : TableDefinitions.Trigger.values()) {
      for (TableDefinitions.Outcome outcome : TableDefinitions.Outcome.values()) {
        FunctionCounter.builder(
                "ferry.table.metadata.refreshes", tables, t -> t.refreshes(trigger, outcome))
            .description(
                "Target table definitions read again after start, by trigger and outcome"
                    + " (changed: new column types in use)")
            .tag("trigger", trigger.label())
            .tag("outcome", outcome.label())
            .register(registry);
      }
    }
  }
}
