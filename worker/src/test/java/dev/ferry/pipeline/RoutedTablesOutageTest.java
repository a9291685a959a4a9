package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.format.Formats;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.TableLookup;
import dev.ferry.sink.TablesUnavailableException;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import dev.ferry.tracing.RecordTracer;
import java.sql.SQLException;
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
 * A routed table that cannot be described because Postgres does not answer is not the record's
 * fault: the batch waits with the workers' backoff, not ready ({@code sink-unavailable}), and is
 * prepared again; nothing is dead-lettered.
 */
class RoutedTablesOutageTest {
  private final List<Duration> waits = new ArrayList<>();
  private final List<Set<String>> reasonsDuringWaits = new ArrayList<>();
  private final List<List<Row>> written = new ArrayList<>();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final Readiness readiness = new Readiness();
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(3));
  private int outages = 2;

  private final TableLookup tables =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          if (outages > 0) {
            outages--;
            throw new TablesUnavailableException(
                "cannot read the definition of table " + table, new SQLException("refused"));
          }
          return new Found("p:" + table);
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          return lookup(pipeline, table);
        }
      };

  private PipelineProcessor processor() throws Exception {
    FerryConfig config =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - {name: p, topics: [t], table: "{topic}", tables-allowed: t}
                """,
                "test");
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
            Formats.JSON,
            new PipelineRouting(
                tables, RecordSchemas.NONE, TableProvisioner.NONE, Optional.empty()));
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
          return false;
        },
        new WorkerCounters(),
        new DeadLetterBreaker(config.deadLetter().breaker(), (p, why) -> {}),
        readiness,
        Clock.systemUTC(),
        RecordTracer.OFF);
  }

  @Test
  void theBatchWaitsUntilTheTableCanBeDescribedAndNothingIsDeadLettered() throws Exception {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      state.offsets().dispatched(i);
      byte[] value = ("{\"id\":" + i + "}").getBytes(UTF_8);
      items.add(new WorkItem(new ConsumerRecord<>("t", 0, i, "k".getBytes(UTF_8), value), state));
    }

    processor().process(items);

    assertThat(waits).hasSize(2);
    assertThat(reasonsDuringWaits)
        .allSatisfy(reasons -> assertThat(reasons).contains("sink-unavailable"));
    assertThat(readiness.has(PipelineProcessor.SINK_UNAVAILABLE)).isFalse();
    assertThat(producer.history()).isEmpty();
    assertThat(written).hasSize(1);
    assertThat(written.get(0))
        .extracting(r -> r.target() + "=" + r.values()[0])
        .containsExactly("p:t=0", "p:t=1", "p:t=2");
    assertThat(state.offsets().watermark()).hasValue(3);
  }
}
