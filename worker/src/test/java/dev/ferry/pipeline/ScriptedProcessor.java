package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import dev.ferry.tracing.RecordTracer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the tests of a {@link PipelineProcessor} over a scripted sink, tables or format share: the
 * config of one pipeline reading topic {@code t}, an {@code id bigint} column, dead letters sent to
 * a {@link MockProducer}, a backoff with a fixed seed, one {@link Readiness}, a sink that records
 * every batch and commits it, waits that record their timeout and the readiness reasons meanwhile,
 * and batches of records {@code {"id": i}}.
 */
final class ScriptedProcessor {
  final FerryConfig config;
  final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  final Readiness readiness = new Readiness();
  final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(3));

  /** The timeouts of the waits of {@link #recordedWait}, in order. */
  final List<Duration> waits = new ArrayList<>();

  /** The readiness reasons during each of those waits. */
  final List<Set<String>> reasonsDuringWaits = new ArrayList<>();

  /** The batches {@link #committingSink} was given. */
  final List<List<Row>> written = new ArrayList<>();

  /** {@code pipeline}: the config's one pipeline, as a YAML flow mapping. */
  ScriptedProcessor(String pipeline) {
    this(pipeline, "");
  }

  /**
   * {@code pipeline}: the config's one pipeline, as a YAML flow mapping; {@code sections}: more
   * top-level sections, one per line (e.g. {@code retry: {max-attempts: 3}}).
   */
  ScriptedProcessor(String pipeline, String sections) {
    try {
      config =
          ConfigLoader.withEnvironment(Map.of())
              .parse(
                  """
                  kafka: {bootstrap-servers: "k:9092"}
                  database: {url: "jdbc:postgresql://h/d"}
                  %s
                  pipelines:
                    - %s
                  """
                      .formatted(sections, pipeline),
                  "test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  PipelineSettings settings() {
    return config.pipelines().get(0);
  }

  /** A coercer of one column, {@code id bigint}. */
  static RowCoercer idBigint() {
    ColumnType bigint = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
    return new RowCoercer(
        List.of(new RowCoercer.Column("id", bigint, Coercers.of(bigint).orElseThrow())), List.of());
  }

  /** A sink that adds every batch to {@link #written} and commits it. */
  RowSink committingSink() {
    return new RowSink() {
      @Override
      public SinkResult write(List<Row> rows, List<Origin> alsoCompleted) {
        written.add(List.copyOf(rows));
        return new SinkResult.Committed(Written.ALL);
      }

      @Override
      public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
        throw new AssertionError("nothing to isolate");
      }

      @Override
      public boolean refreshDefinitions(List<Row> rows, long generationBefore) {
        return false;
      }

      @Override
      public Set<Origin> alreadyApplied(Collection<Origin> origins) {
        return Set.of();
      }
    };
  }

  /**
   * A wait that returns at once, adding to {@link #waits} and {@link #reasonsDuringWaits}; it says
   * the worker is stopping if {@code stop}.
   */
  Waiter recordedWait(boolean stop) {
    return timeout -> {
      waits.add(timeout);
      reasonsDuringWaits.add(readiness.reasons());
      return stop;
    };
  }

  /**
   * The processor of {@code pipeline} writing to {@code sink}, its backoff waiting in {@code wait}.
   */
  PipelineProcessor processor(Pipeline pipeline, RowSink sink, Waiter wait) {
    return processor(pipeline, sink, wait, new WorkerCounters(), Clock.systemUTC());
  }

  /**
   * {@link #processor(Pipeline, RowSink, Waiter)} counting in {@code counters}, on {@code clock}.
   */
  PipelineProcessor processor(
      Pipeline pipeline, RowSink sink, Waiter wait, WorkerCounters counters, Clock clock) {
    return new PipelineProcessor(
        List.of(pipeline),
        config.retry(),
        sink,
        new DeadLetterPublisher(
            producer,
            config.deadLetter(),
            "g",
            backoff,
            new StopSignal(),
            clock,
            Duration.ofSeconds(5),
            readiness),
        backoff,
        wait,
        counters,
        new DeadLetterBreaker(config.deadLetter().breaker(), (p, why) -> {}),
        readiness,
        clock,
        RecordTracer.OFF);
  }

  /**
   * Records 0 .. size-1 of partition t-0, key {@code k<i>}, value {@code {"id": i}}, dispatched.
   */
  static List<WorkItem> batch(PartitionState state, int size) {
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      state.offsets().dispatched(i);
      byte[] key = ("k" + i).getBytes(UTF_8);
      byte[] value = ("{\"id\":" + i + "}").getBytes(UTF_8);
      items.add(new WorkItem(new ConsumerRecord<>("t", 0, i, key, value), state));
    }
    return items;
  }

  /** {@link #batch(PartitionState, int)} of a new partition state of t-0. */
  static List<WorkItem> batch(int size) {
    return batch(new PartitionState(new TopicPartition("t", 0)), size);
  }
}
