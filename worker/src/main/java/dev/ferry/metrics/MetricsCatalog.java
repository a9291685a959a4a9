package dev.ferry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

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

  /**
   * The live state the meters read, each part through a small view that {@code app} adapts its
   * subsystem to. Every reader is cheap and thread-safe.
   *
   * @param pipelines the names of the configured pipelines
   * @param tracing present when tracing is on
   * @param schemaRegistry present when a {@code registry} is configured
   * @param lifecycleState the code of the worker's lifecycle state (0 starting … 4 failed)
   * @param ready whether {@code /health/ready} answers 200
   * @param sinkAvailable false while writes to Postgres fail transiently
   */
  public record Sources(
      List<String> pipelines,
      QueueView queue,
      ConsumerView consumer,
      PipelineStatusView pipelineStatus,
      TransactionView transactions,
      DeadLetterView deadLetters,
      TableRefreshView tableRefreshes,
      Optional<SpanDropView> tracing,
      Optional<RegistryView> schemaRegistry,
      IntSupplier lifecycleState,
      BooleanSupplier ready,
      BooleanSupplier sinkAvailable,
      DdlStatementView ddlStatements) {
    /** The sources of a worker whose pipelines create and alter no tables. */
    public Sources(
        List<String> pipelines,
        QueueView queue,
        ConsumerView consumer,
        PipelineStatusView pipelineStatus,
        TransactionView transactions,
        DeadLetterView deadLetters,
        TableRefreshView tableRefreshes,
        Optional<SpanDropView> tracing,
        Optional<RegistryView> schemaRegistry,
        IntSupplier lifecycleState,
        BooleanSupplier ready,
        BooleanSupplier sinkAvailable) {
      this(
          pipelines,
          queue,
          consumer,
          pipelineStatus,
          transactions,
          deadLetters,
          tableRefreshes,
          tracing,
          schemaRegistry,
          lifecycleState,
          ready,
          sinkAvailable,
          DdlStatementView.NONE);
    }
  }

  /**
   * Registers the meters that read live state ({@link WorkerCounters} registers the ones the
   * workers count). Every series with a fixed set of labels (per pipeline, lane, reason, kind) is
   * registered here, so it is visible at 0 from the start.
   *
   * @return refreshes the per-partition gauges; call it before each scrape, and keep it as long as
   *     the meters are scraped: it holds the sources, which Micrometer's function counters and
   *     gauges hold only weakly
   */
  public static Runnable register(MeterRegistry registry, Sources s) {
    registerConsumer(registry, s.consumer());
    registerQueue(registry, s.queue());
    registerPipelines(registry, s.pipelines(), s.pipelineStatus());
    registerWorker(registry, s);
    registerTransactions(registry, s.transactions());
    registerDeadLetters(registry, s.deadLetters());
    registerTableRefreshes(registry, s.tableRefreshes());
    registerDdlStatements(registry, s.pipelines(), s.ddlStatements());
    s.tracing().ifPresent(tracing -> registerTracing(registry, tracing));
    s.schemaRegistry().ifPresent(view -> registerSchemaRegistry(registry, view));
    MultiGauge lag =
        MultiGauge.builder("ferry.consumer.lag")
            .description("Records in the partition after this worker's position")
            .register(registry);
    return () -> refreshLag(lag, s);
  }

  private static void refreshLag(MultiGauge lag, Sources s) {
    lag.register(
        s.consumer().lags().entrySet().stream()
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

  private static void registerConsumer(MeterRegistry registry, ConsumerView consumer) {
    FunctionCounter.builder("ferry.records.consumed", consumer, ConsumerView::consumed)
        .description("Records taken from Kafka by the poll loop")
        .register(registry);
    FunctionCounter.builder("ferry.records.already.applied", consumer, ConsumerView::alreadyApplied)
        .description("Records completed without a write because an earlier owner had applied them")
        .register(registry);
    Gauge.builder(
            "ferry.oldest.uncommitted.age", consumer, ConsumerView::oldestUncommittedAgeSeconds)
        .description("Seconds since the timestamp of the oldest record taken and not yet completed")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("ferry.partitions.assigned", consumer, ConsumerView::assignedPartitions)
        .description("Partitions assigned to this worker")
        .register(registry);
    Gauge.builder("ferry.partitions.paused", consumer, ConsumerView::pausedPartitions)
        .description("Assigned partitions paused (backpressure, claims, halts, drain)")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", consumer, ConsumerView::assignments)
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "assigned")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", consumer, ConsumerView::revocations)
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "revoked")
        .register(registry);
    FunctionCounter.builder("ferry.rebalances", consumer, ConsumerView::losses)
        .description("Rebalance callbacks of this worker's consumer")
        .tag("kind", "lost")
        .register(registry);
  }

  private static void registerQueue(MeterRegistry registry, QueueView queue) {
    Gauge.builder("ferry.records.in.memory", queue, QueueView::inMemory)
        .description("Records held: queued in lanes or in a worker's batch")
        .register(registry);
    Gauge.builder("ferry.queue.capacity", queue, QueueView::capacity)
        .description("worker.queue-capacity: records held before partitions are paused")
        .register(registry);
    registerMemoryBytes(registry, queue);
    for (int lane = 0; lane < queue.lanes(); lane++) {
      int index = lane;
      Gauge.builder("ferry.lane.depth", queue, q -> q.depth(index))
          .description("Records queued in a lane, not yet taken by its worker")
          .tag("lane", Integer.toString(lane + 1))
          .register(registry);
    }
  }

  /** The byte side of bounded memory, beside the record count ({@code worker.memory-budget}). */
  private static void registerMemoryBytes(MeterRegistry registry, QueueView queue) {
    Gauge.builder("ferry.records.in.memory.bytes", queue, QueueView::bytesInMemory)
        .description(
            "Estimated heap held by the records in memory (queued or in a batch): their size plus"
                + " what decoding and writing them costs")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ferry.records.in.memory.peak.bytes", queue, QueueView::peakBytesInMemory)
        .description("The highest ferry_records_in_memory_bytes since start")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("ferry.records.in.memory.limit.bytes", queue, QueueView::byteLimit)
        .description(
            "What the records in memory may cost before partitions are paused: worker.memory-budget"
                + " less the consumer's fetch.max.bytes")
        .baseUnit("bytes")
        .register(registry);
  }

  private static void registerPipelines(
      MeterRegistry registry, List<String> pipelines, PipelineStatusView status) {
    for (String pipeline : pipelines) {
      Gauge.builder("ferry.pipeline.halted", status, p -> p.halted(pipeline) ? 1 : 0)
          .description("1 while the dead-letter breaker halts the pipeline")
          .tag("pipeline", pipeline)
          .register(registry);
      Gauge.builder("ferry.pipeline.paused", status, p -> p.paused(pipeline) ? 1 : 0)
          .description("1 while an operator has paused the pipeline (ferry pipeline pause)")
          .tag("pipeline", pipeline)
          .register(registry);
      Gauge.builder(
              "ferry.pipeline.rate.limit.records.per.second",
              status,
              p -> p.rateLimitRecordsPerSecond(pipeline))
          .description("The pipeline's records-per-second limit in force in this worker; 0: none")
          .tag("pipeline", pipeline)
          .register(registry);
      Gauge.builder(
              "ferry.pipeline.rate.limit.max.transactions",
              status,
              p -> p.rateLimitMaxTransactions(pipeline))
          .description("The pipeline's max-transactions limit in force in this worker; 0: none")
          .tag("pipeline", pipeline)
          .register(registry);
      FunctionCounter.builder("ferry.pipeline.throttled", status, p -> p.throttledSeconds(pipeline))
          .description("Time the pipeline's records were held back by its records-per-second limit")
          .baseUnit("seconds")
          .tag("pipeline", pipeline)
          .register(registry);
      Gauge.builder(
              "ferry.pipeline.dead.letter.too.large",
              status,
              p -> p.haltedForTooLargeDeadLetter(pipeline) ? 1 : 0)
          .description("1 while the pipeline is halted because a dead letter does not fit its DLT")
          .tag("pipeline", pipeline)
          .register(registry);
    }
  }

  private static void registerWorker(MeterRegistry registry, Sources s) {
    Gauge.builder("ferry.sink.available", s.sinkAvailable(), a -> a.getAsBoolean() ? 1 : 0)
        .description("0 while writes to Postgres fail transiently")
        .strongReference(true)
        .register(registry);
    Gauge.builder("ferry.ready", s.ready(), r -> r.getAsBoolean() ? 1 : 0)
        .description("1 when /health/ready answers 200")
        .strongReference(true)
        .register(registry);
    Gauge.builder("ferry.lifecycle.state", s.lifecycleState(), IntSupplier::getAsInt)
        .description("0 starting, 1 running, 2 draining, 3 stopped, 4 failed")
        .strongReference(true)
        .register(registry);
  }

  private static void registerTransactions(MeterRegistry registry, TransactionView transactions) {
    Gauge.builder("ferry.transaction.oldest.age", transactions, TransactionView::oldestAgeSeconds)
        .description("Seconds the oldest running Postgres transaction of this worker has run")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("ferry.transactions.stuck", transactions, TransactionView::stuckLanes)
        .description(
            "Lanes whose transaction the watchdog aborted and that have not committed since")
        .register(registry);
    FunctionCounter.builder("ferry.transactions.aborted", transactions, TransactionView::aborted)
        .description("Transactions aborted by the watchdog after database.transaction-timeout")
        .register(registry);
  }

  /** The meters of dead-letter sends: failed and retried, shed to fit, refused for good. */
  private static void registerDeadLetters(MeterRegistry registry, DeadLetterView deadLetters) {
    FunctionCounter.builder(
            "ferry.dead.letter.send.failures", deadLetters, DeadLetterView::failedSends)
        .description("Sends to the dead-letter topic that failed and were retried")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letters.refused", deadLetters, DeadLetterView::refusedTooLarge)
        .description("Dead letters the DLT refused for good (their pipeline halts), by reason")
        .tag("reason", "too-large")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letters.refused", deadLetters, d -> d.refused() - d.refusedTooLarge())
        .description("Dead letters the DLT refused for good (their pipeline halts), by reason")
        .tag("reason", "refused")
        .register(registry);
    FunctionCounter.builder(
            "ferry.dead.letters.headers.shed", deadLetters, DeadLetterView::headersShed)
        .description("Dead letters sent without their stack trace or long message, to fit")
        .register(registry);
  }

  /**
   * The counter of table definition reads after start, by what triggered them ({@code
   * coercion-failure}, {@code sink-error}, {@code timer}) and what they found ({@code changed},
   * {@code unchanged}, {@code failed}, {@code rate-limited}).
   */
  private static void registerTableRefreshes(MeterRegistry registry, TableRefreshView tables) {
    for (String trigger : tables.triggers()) {
      for (String outcome : tables.outcomes()) {
        FunctionCounter.builder(
                "ferry.table.metadata.refreshes", tables, t -> t.refreshes(trigger, outcome))
            .description(
                "Target table definitions read again after start, by trigger and outcome"
                    + " (changed: new column types in use)")
            .tag("trigger", trigger)
            .tag("outcome", outcome)
            .register(registry);
      }
    }
  }

  /** The counter of DDL statements run by {@code auto-create} and {@code evolve}. */
  private static void registerDdlStatements(
      MeterRegistry registry, List<String> pipelines, DdlStatementView ddl) {
    for (String pipeline : pipelines) {
      for (String kind : DdlStatementView.KINDS) {
        FunctionCounter.builder("ferry.ddl.statements", ddl, d -> d.statements(pipeline, kind))
            .description(
                "DDL statements Ferry ran to create a table or add a column, by pipeline and kind")
            .tag("pipeline", pipeline)
            .tag("kind", kind)
            .register(registry);
      }
    }
  }

  private static void registerTracing(MeterRegistry registry, SpanDropView tracing) {
    FunctionCounter.builder("ferry.tracing.spans.dropped", tracing, SpanDropView::droppedQueueFull)
        .description("Spans dropped instead of waiting for the exporter, by reason")
        .tag("reason", "queue-full")
        .register(registry);
    FunctionCounter.builder(
            "ferry.tracing.spans.dropped", tracing, SpanDropView::droppedExportFailed)
        .description("Spans dropped instead of waiting for the exporter, by reason")
        .tag("reason", "export-failed")
        .register(registry);
  }

  private static void registerSchemaRegistry(MeterRegistry registry, RegistryView view) {
    String description = "Requests to the schema registry, by outcome";
    FunctionCounter.builder("ferry.registry.requests", view, RegistryView::requestsOk)
        .description(description)
        .tag("outcome", "ok")
        .register(registry);
    FunctionCounter.builder("ferry.registry.requests", view, RegistryView::requestsUnknownId)
        .description(description)
        .tag("outcome", "unknown-id")
        .register(registry);
    FunctionCounter.builder("ferry.registry.requests", view, RegistryView::requestsUnavailable)
        .description(description)
        .tag("outcome", "unavailable")
        .register(registry);
    Gauge.builder("ferry.registry.schemas.cached", view, RegistryView::cachedSchemas)
        .description("Schemas from the schema registry held in memory")
        .register(registry);
  }

  /**
   * Declares {@code ferry_admin_requests_total{outcome}} (admin HTTP calls: {@code allowed}, {@code
   * unauthorized}, {@code forbidden}, each at 0 from the start) and returns what counts one call by
   * its outcome. Thread-safe.
   */
  public static Consumer<String> adminRequests(MeterRegistry registry) {
    Map<String, Counter> counters = new HashMap<>();
    for (String outcome : List.of("allowed", "unauthorized", "forbidden")) {
      counters.put(
          outcome,
          Counter.builder("ferry.admin.requests")
              .description("Admin HTTP calls (other than reads of metrics and health), by outcome")
              .tag("outcome", outcome)
              .register(registry));
    }
    Map<String, Counter> byOutcome = Map.copyOf(counters);
    return outcome -> {
      Counter counter = byOutcome.get(outcome);
      if (counter == null) {
        throw new IllegalArgumentException("unknown admin outcome: " + outcome);
      }
      counter.increment();
    };
  }
}
