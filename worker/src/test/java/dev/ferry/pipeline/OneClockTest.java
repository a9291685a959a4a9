package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import dev.ferry.support.ManualClock;
import dev.ferry.tracing.RecordTracer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The processor reads time from its one injected clock only: the transaction duration and the
 * end-to-end latency it records move with that clock and with nothing else.
 */
class OneClockTest {
  private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Takes 250 ms of the manual clock for every transaction. */
  private final RowSink sink =
      new RowSink() {
        @Override
        public SinkResult write(List<Row> rows, List<Origin> alsoCompleted) {
          clock.advance(Duration.ofMillis(250));
          return new SinkResult.Committed(Written.ALL);
        }

        @Override
        public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
          throw new AssertionError("not expected");
        }

        @Override
        public Set<Origin> alreadyApplied(Collection<Origin> origins) {
          return Set.of();
        }
      };

  @Test
  void transactionDurationAndLatencyComeFromTheInjectedClock() throws Exception {
    PipelineProcessor processor = processor();
    PartitionState state = new PartitionState(new TopicPartition("t", 0));
    state.offsets().dispatched(0);
    long timestamp = START.minusMillis(100).toEpochMilli();
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "t",
            0,
            0,
            timestamp,
            TimestampType.CREATE_TIME,
            1,
            8,
            "k".getBytes(UTF_8),
            "{\"id\":1}".getBytes(UTF_8),
            new org.apache.kafka.common.header.internals.RecordHeaders(),
            Optional.empty());

    processor.process(List.of(new WorkItem(record, state)));

    assertThat(registry.get("ferry.transaction.duration").timer().max(TimeUnit.MILLISECONDS))
        .isEqualTo(250.0);
    assertThat(registry.get("ferry.end.to.end.latency").timer().max(TimeUnit.MILLISECONDS))
        .as("100 ms old when read, committed 250 ms later")
        .isEqualTo(350.0);
  }

  private PipelineProcessor processor() throws Exception {
    FerryConfig config =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - {name: p, topics: [t], table: t, columns: {id: /id}}
                """,
                "test");
    ColumnType bigint = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
    RowCoercer coercer =
        new RowCoercer(
            List.of(new RowCoercer.Column("id", bigint, Coercers.of(bigint).orElseThrow())),
            List.of());
    Backoff backoff =
        new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new SplittableRandom(1));
    Readiness readiness = new Readiness();
    return new PipelineProcessor(
        List.of(new Pipeline(config.pipelines().get(0), Map.of("p:t", coercer), Optional.empty())),
        config.retry(),
        sink,
        new DeadLetterPublisher(
            new MockProducer<>(),
            config.deadLetter(),
            "g",
            backoff,
            new StopSignal(),
            clock,
            Duration.ofSeconds(5),
            readiness),
        backoff,
        timeout -> false,
        new WorkerCounters(registry),
        new DeadLetterBreaker(config.deadLetter().breaker(), (p, why) -> {}),
        readiness,
        clock,
        RecordTracer.OFF);
  }
}
