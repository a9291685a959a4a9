package dev.ferry.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.pipeline.Pipeline;
import dev.ferry.sink.Origin;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.Row;
import dev.ferry.testkit.load.EventSequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record CPU cost of decode → validate → map → coerce for one {@code events} record (the
 * record of scripts/bench), without I/O: what a worker thread spends before the JDBC batch. {@code
 * schema=true} adds JSON Schema validation against schemas/events.schema.json. Decodes as the
 * pipeline does: without a schema, only the mapped fields, and {@code attrs} keeps its text for
 * jsonb.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordPathBenchmark {
  @Param({"false", "true"})
  public boolean schema;

  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
  private Pipeline pipeline;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String yaml =
        """
        kafka: {bootstrap-servers: "127.0.0.1:9092"}
        database: {url: "jdbc:postgresql://127.0.0.1/postgres"}
        pipelines:
          - name: events
            topics: [events]
            table: events
            %s
            columns: {event_id: /event_id, user_id: /user_id, type: /type, amount: /amount,
                      ts: /ts, attrs: /attrs}
        """
            .formatted(schema ? "schema: \"" + schemaFile() + "\"" : "");
    PipelineSettings settings =
        ConfigLoader.withEnvironment(Map.of()).parse(yaml, "bench").pipelines().get(0);
    List<RowCoercer.Column> columns = new ArrayList<>();
    columns.add(column("event_id", ColumnType.of("uuid", "uuid", "uuid", 'U', -1)));
    columns.add(column("user_id", ColumnType.of("text", "text", "text", 'S', -1)));
    columns.add(column("type", ColumnType.of("text", "text", "text", 'S', -1)));
    columns.add(
        column(
            "amount",
            ColumnType.of("numeric(12,2)", "numeric", "numeric", 'N', (12 << 16 | 2) + 4)));
    columns.add(
        column(
            "ts",
            ColumnType.of("timestamp with time zone", "timestamptz", "timestamptz", 'D', -1)));
    columns.add(column("attrs", ColumnType.of("jsonb", "jsonb", "jsonb", 'U', -1)));
    pipeline =
        new Pipeline(
            settings,
            Map.of(
                PostgresSink.targetKey("events", settings.table()),
                new RowCoercer(columns, List.of())),
            Optional.empty());
    EventSequence sequence = new EventSequence(1, 1_000, 0.0);
    for (int i = 0; i < 1_024; i++) {
      var r = sequence.next();
      records.add(new ConsumerRecord<>("events", 0, i, r.keyBytes(), r.valueBytes()));
    }
  }

  private static RowCoercer.Column column(String name, ColumnType type) {
    return new RowCoercer.Column(name, type, Coercers.of(type).orElseThrow());
  }

  private static Path schemaFile() {
    Path here = Path.of("schemas", "events.schema.json");
    return here.toFile().exists() ? here : Path.of("..", "schemas", "events.schema.json");
  }

  @Benchmark
  public List<Row> decodeValidateMapCoerce() throws RecordFailure, RegistryUnavailableException {
    ConsumerRecord<byte[], byte[]> record = records.get(next++ & 1023);
    ObjectNode value = pipeline.decode(record.value());
    return pipeline.rows(
        value, record, new Origin(new TopicPartition("events", 0), 1, record.offset()));
  }
}
