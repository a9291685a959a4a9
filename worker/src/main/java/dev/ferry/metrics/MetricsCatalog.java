package dev.ferry.metrics;

import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.dispatch.Lanes;
import dev.ferry.lifecycle.State;
import dev.ferry.source.PollLoop;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
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

  /** The live state the meters read; every reader is cheap and thread-safe. */
  public record Sources(
      WorkerCounters counters,
      Lanes lanes,
      PollLoop pollLoop,
      DeadLetterBreaker breaker,
      List<String> pipelines,
      Supplier<State> state,
      BooleanSupplier ready,
      BooleanSupplier sinkAvailable) {}

  public static void register(MeterRegistry registry, Sources s) {
    WorkerCounters c = s.counters();
    counter(
        registry,
        "ferry.records.applied",
        "Records written to Postgres",
        c,
        WorkerCounters::applied);
    counter(
        registry,
        "ferry.records.dead.lettered",
        "Records sent to the dead-letter topic and acknowledged",
        c,
        WorkerCounters::deadLettered);
    FunctionCounter.builder("ferry.records.skipped", c, x -> x.tombstonesSkipped())
        .description("Records completed without a write")
        .tag("reason", "tombstone")
        .register(registry);
    FunctionCounter.builder("ferry.records.skipped", s.pollLoop(), p -> p.skippedAsApplied())
        .description("Records completed without a write")
        .tag("reason", "already-applied")
        .register(registry);
    counter(
        registry,
        "ferry.retries",
        "Batch writes retried after a failure",
        c,
        WorkerCounters::retries);
    counter(
        registry,
        "ferry.transactions",
        "Postgres transactions committed",
        c,
        WorkerCounters::transactions);
    counter(
        registry,
        "ferry.transactions.fenced",
        "Transactions rolled back because another worker claimed one of their partitions",
        c,
        WorkerCounters::fenced);

    Gauge.builder("ferry.records.in.memory", s.lanes(), Lanes::inMemory)
        .description("Records held: queued in lanes or in a worker's batch")
        .register(registry);
    Gauge.builder("ferry.queue.capacity", s.lanes(), Lanes::capacity)
        .description("worker.queue-capacity: records held before partitions are paused")
        .register(registry);
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
    Gauge.builder("ferry.ready", s.ready(), r -> r.getAsBoolean() ? 1 : 0)
        .description("1 when /health/ready answers 200")
        .strongReference(true)
        .register(registry);
    Gauge.builder("ferry.lifecycle.state", s.state(), st -> st.get().code())
        .description("0 starting, 1 running, 2 draining, 3 stopped, 4 failed")
        .strongReference(true)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      String description,
      WorkerCounters counters,
      java.util.function.ToDoubleFunction<WorkerCounters> value) {
    FunctionCounter.builder(name, counters, value).description(description).register(registry);
  }
}
