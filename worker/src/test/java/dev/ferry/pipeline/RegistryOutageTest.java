package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.format.JsonFormat;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.ValueFormat;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
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
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that cannot be asked while a batch is prepared: the batch waits with the
 * workers' backoff and is prepared again, readiness says {@code registry-unavailable} meanwhile,
 * nothing is dead-lettered; a stop during the wait leaves the batch incomplete. An unknown schema
 * id, by contrast, is the record's fault.
 */
class RegistryOutageTest {
  private final FerryConfig config = config();
  private final List<Duration> waits = new ArrayList<>();
  private final List<Set<String>> reasonsDuringWaits = new ArrayList<>();
  private final List<List<Row>> written = new ArrayList<>();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final Readiness readiness = new Readiness();
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(3));
  private final FlakyFormat format = new FlakyFormat();
  private boolean stopDuringWait;

  /** Fails with the registry unavailable {@code outages} times, then reads JSON. */
  private static final class FlakyFormat implements ValueFormat {
    int outages;
    int calls;
    boolean unknownSchema;

    @Override
    public synchronized ObjectNode decode(byte[] bytes)
        throws RecordFailure, RegistryUnavailableException {
      calls++;
      if (outages > 0) {
        outages--;
        throw new RegistryUnavailableException("the schema registry cannot be reached");
      }
      if (unknownSchema) {
        throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "the registry has no schema id 9");
      }
      return new JsonFormat().decode(bytes);
    }
  }

  private static FerryConfig config() {
    try {
      return ConfigLoader.withEnvironment(Map.of())
          .parse(
              """
              kafka: {bootstrap-servers: "k:9092"}
              database: {url: "jdbc:postgresql://h/d"}
              pipelines:
                - {name: p, topics: [t], table: t, columns: {id: /id}}
              """,
              "test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private PipelineProcessor processor() {
    ColumnType bigint = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
    RowCoercer coercer =
        new RowCoercer(
            List.of(new RowCoercer.Column("id", bigint, Coercers.of(bigint).orElseThrow())),
            List.of());
    RowSink sink =
        new RowSink() {
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
    Pipeline pipeline =
        new Pipeline(
            config.pipelines().get(0),
            RowCoercions.fixed(Map.of("p:t", coercer)),
            Optional.empty(),
            new Formats(format, Optional.empty()));
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
            Clock.systemUTC(),
            Duration.ofSeconds(5),
            readiness),
        backoff,
        timeout -> {
          waits.add(timeout);
          reasonsDuringWaits.add(readiness.reasons());
          return stopDuringWait;
        },
        new WorkerCounters(),
        new DeadLetterBreaker(config.deadLetter().breaker(), (p, why) -> {}),
        readiness,
        Clock.systemUTC(),
        RecordTracer.OFF);
  }

  private static List<WorkItem> batch(int size) {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      state.offsets().dispatched(i);
      byte[] value = ("{\"id\":" + i + "}").getBytes(UTF_8);
      items.add(new WorkItem(new ConsumerRecord<>("t", 0, i, "k".getBytes(UTF_8), value), state));
    }
    return items;
  }

  @Test
  void theBatchWaitsOutTheOutageNotReadyAndNothingIsDeadLettered() throws Exception {
    format.outages = 3;
    List<WorkItem> items = batch(3);

    processor().process(items);

    assertThat(waits).hasSize(3);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(waits.get(attempt - 1)).isBetween(Duration.ZERO, backoff.ceiling(attempt));
    }
    assertThat(reasonsDuringWaits)
        .allSatisfy(reasons -> assertThat(reasons).contains("registry-unavailable"));
    assertThat(readiness.has(PipelineProcessor.REGISTRY_UNAVAILABLE)).isFalse();
    assertThat(producer.history()).isEmpty();
    assertThat(written).hasSize(1);
    assertThat(written.get(0)).hasSize(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(3);
  }

  @Test
  void aStopDuringTheWaitLeavesTheBatchIncompleteToBeReadAgain() throws Exception {
    format.outages = 1;
    stopDuringWait = true;
    List<WorkItem> items = batch(2);

    processor().process(items);

    assertThat(waits).hasSize(1);
    assertThat(written).isEmpty();
    assertThat(producer.history()).isEmpty();
    assertThat(items.get(0).partition().offsets().watermark())
        .as("the lowest offset not completed")
        .hasValue(0);
  }

  @Test
  void anUnknownSchemaIsTheRecordsFaultAndDeadLetteredAtOnce() throws Exception {
    format.unknownSchema = true;

    processor().process(batch(1));

    assertThat(waits).isEmpty();
    assertThat(written).hasSize(1).allSatisfy(rows -> assertThat(rows).isEmpty());
    assertThat(producer.history()).hasSize(1);
    assertThat(
            new String(
                producer.history().get(0).headers().lastHeader("ferry.dlt.reason").value(), UTF_8))
        .isEqualTo("unknown-schema");
    assertThat(readiness.reasons()).isEmpty();
  }
}
