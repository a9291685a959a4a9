package dev.ferry.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.config.TracingSettings;
import dev.ferry.tracing.RecordTracer;
import dev.ferry.tracing.TracingSdk;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing adds to a record's path, in nanoseconds: with tracing off (the no-op {@code
 * RecordTracer.OFF}, and the one {@code traceparent} header lookup that log lines and dead letters
 * make), and with tracing on (a {@code process} span recorded per record and handed to an exporter
 * that discards it). Compare with {@link RecordPathBenchmark}'s microseconds per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TracingOverheadBenchmark {
  private ConsumerRecord<byte[], byte[]> record;
  private TracingSdk sdk;
  private RecordTracer on;

  @Setup(Level.Trial)
  public void setUp() {
    record = new ConsumerRecord<>("events", 0, 42L, "k".getBytes(UTF_8), "{}".getBytes(UTF_8));
    record.headers().add("source", "web".getBytes(UTF_8));
    record.headers().add("schema-version", "3".getBytes(UTF_8));
    record
        .headers()
        .add(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(UTF_8));
    sdk =
        TracingSdk.start(
            new TracingSettings(true, "bench", Map.of("otel.traces.exporter", "discard")),
            "g",
            500);
    on = sdk.tracer();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  /** Tracing off: what the worker does per record. */
  @Benchmark
  public Span tracingOff() {
    Span span = RecordTracer.OFF.process(record, "events");
    span.end();
    return span;
  }

  /** The one header lookup: what a log line or a dead letter about a record costs extra. */
  @Benchmark
  public Header traceparentLookup() {
    return record.headers().lastHeader("traceparent");
  }

  /** Tracing on: a process span per record, continuing the producer's trace, sampled. */
  @Benchmark
  public Span tracingOn() {
    Span span = on.process(record, "events");
    span.end();
    return span;
  }
}
