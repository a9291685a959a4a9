package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.app.Main;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.MemorySpans;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.tracing.TraceHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Following records through Ferry with OpenTelemetry, read back from the SDK's in-memory exporter:
 * each record's {@code process} span continues its producer's trace with the messaging attributes,
 * the transaction span links the records of its batch, a dead letter carries the producer's context
 * and Ferry's, and a replayed record's span links to the attempt that dead-lettered it.
 */
@Timeout(180)
class TracingIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final HexFormat HEX = HexFormat.of();
  private static final Random RANDOM = new Random();

  @BeforeAll
  static void tables() {
    PG.execute(
        "CREATE TABLE events (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
            + " amount numeric(12, 2) CONSTRAINT no_refunds CHECK (amount >= 0),"
            + " ts timestamptz NOT NULL, attrs jsonb)");
  }

  /** A producer's context: a fresh trace and span id, sampled. */
  private SpanContext producerContext() {
    byte[] trace = new byte[16];
    byte[] span = new byte[8];
    RANDOM.nextBytes(trace);
    RANDOM.nextBytes(span);
    return SpanContext.createFromRemoteParent(
        HEX.formatHex(trace),
        HEX.formatHex(span),
        io.opentelemetry.api.trace.TraceFlags.getSampled(),
        io.opentelemetry.api.trace.TraceState.getDefault());
  }

  private static String event(String amount) {
    return """
        {"event_id": "%s", "user_id": "u1", "type": "click", "amount": %s,
         "ts": "2025-01-01T00:00:00Z", "attrs": {}}"""
        .formatted(UUID.randomUUID(), amount);
  }

  private static void send(String topic, String value, SpanContext context) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topic, "k".getBytes(UTF_8), value.getBytes(UTF_8));
      record
          .headers()
          .add(TraceHeaders.TRACEPARENT, TraceHeaders.traceparent(context).getBytes(UTF_8));
      producer.send(record).get();
    }
  }

  private static List<SpanData> spansOfTrace(String traceId) {
    return MemorySpans.exported().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  @Test
  void processSpansContinueTheProducersTracesAndTheTransactionLinksThem() throws Exception {
    String topic = KAFKA.uniqueTopic("traced");
    KAFKA.createTopic(topic, 2);
    String group = "ferry-traced";
    Map<String, SpanContext> producers = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      SpanContext context = producerContext();
      producers.put(context.getTraceId(), context);
      send(topic, event("1.00"), context);
    }
    // A producer that did not sample its trace: Ferry follows that decision.
    SpanContext sampled = producerContext();
    SpanContext unsampled =
        SpanContext.createFromRemoteParent(
            sampled.getTraceId(),
            sampled.getSpanId(),
            io.opentelemetry.api.trace.TraceFlags.getDefault(),
            io.opentelemetry.api.trace.TraceState.getDefault());
    send(topic, event("1.00"), unsampled);

    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(group)
                .tracedTo(MemorySpans.NAME)
                .worker("batch-linger", "200ms")
                .load());
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> producers.keySet().stream().allMatch(trace -> !spansOfTrace(trace).isEmpty()));
    }

    assertThat(PG.queryLong("SELECT count(*) FROM events WHERE amount = 1.00")).isEqualTo(21);
    assertThat(spansOfTrace(unsampled.getTraceId())).as("spans of the unsampled trace").isEmpty();
    for (SpanContext producer : producers.values()) {
      List<SpanData> spans = spansOfTrace(producer.getTraceId());
      assertThat(spans).as("spans of trace %s", producer.getTraceId()).hasSize(1);
      SpanData process = spans.get(0);
      assertThat(process.getName()).isEqualTo("process " + topic);
      assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(process.getParentSpanId()).isEqualTo(producer.getSpanId());
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.system")))
          .isEqualTo("kafka");
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.destination.name")))
          .isEqualTo(topic);
      assertThat(
              process
                  .getAttributes()
                  .get(AttributeKey.stringKey("messaging.destination.partition.id")))
          .isIn("0", "1");
      assertThat(process.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")))
          .isNotNull()
          .isBetween(0L, 19L);
      assertThat(
              process.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name")))
          .isEqualTo(group);
      assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type")))
          .isEqualTo("process");

      List<SpanData> transactions =
          MemorySpans.exported().stream()
              .filter(s -> s.getName().equals("ferry transaction"))
              .filter(
                  s ->
                      s.getLinks().stream()
                          .map(LinkData::getSpanContext)
                          .anyMatch(c -> c.getSpanId().equals(process.getSpanId())))
              .toList();
      assertThat(transactions).as("transactions linking %s", process.getSpanId()).hasSize(1);
      assertThat(transactions.get(0).getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(transactions.get(0).getAttributes().get(AttributeKey.stringKey("db.system.name")))
          .isEqualTo("postgresql");
    }
  }

  @Test
  void aDeadLetterCarriesBothContextsAndItsReplayLinksToTheFirstAttempt(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("traced-dlt");
    KAFKA.createTopic(topic, 1);
    String group = "ferry-traced-dlt";
    SpanContext producer = producerContext();
    send(topic, event("-5.00"), producer); // breaks CHECK (amount >= 0)
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .tracedTo(MemorySpans.NAME);
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());

    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.counters().deadLettered() == 1);
      List<ConsumerRecord<byte[], byte[]>> letters =
          DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
      assertThat(letters).hasSize(1);
      String original = DeadLetters.header(letters.get(0), TraceHeaders.TRACEPARENT);
      String attempt = DeadLetters.header(letters.get(0), TraceHeaders.DEAD_LETTERED_IN);
      assertThat(original).isEqualTo(TraceHeaders.traceparent(producer));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> spansOfTrace(producer.getTraceId()).size() == 1);
      SpanData first = spansOfTrace(producer.getTraceId()).get(0);
      assertThat(attempt)
          .isEqualTo("00-" + producer.getTraceId() + "-" + first.getSpanId() + "-01");
      assertThat(first.getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      assertThat(first.getAttributes().get(AttributeKey.stringKey("ferry.dlt.reason")))
          .isEqualTo("check-violation");

      PG.execute("ALTER TABLE events DROP CONSTRAINT no_refunds");
      StringWriter out = new StringWriter();
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out));
      int exit = cli.execute("dlt", "replay", "--config", config.toString(), "--name", topic);
      assertThat(exit).as(out.toString()).isZero();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> PG.queryLong("SELECT count(*) FROM events WHERE amount = -5.00") == 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> spansOfTrace(producer.getTraceId()).size() == 2);
    }

    SpanData replayed =
        spansOfTrace(producer.getTraceId()).stream()
            .filter(
                s -> s.getStatus().getStatusCode() != io.opentelemetry.api.trace.StatusCode.ERROR)
            .findFirst()
            .orElseThrow();
    SpanData first =
        spansOfTrace(producer.getTraceId()).stream()
            .filter(s -> s != replayed)
            .findFirst()
            .orElseThrow();
    assertThat(replayed.getParentSpanId()).isEqualTo(producer.getSpanId());
    assertThat(replayed.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")))
        .isEqualTo(1L); // the replay is a new record of the input topic
    assertThat(replayed.getLinks())
        .anySatisfy(
            link -> {
              assertThat(link.getSpanContext().getSpanId()).isEqualTo(first.getSpanId());
              assertThat(link.getAttributes().get(AttributeKey.stringKey("ferry.link")))
                  .isEqualTo("dead-lettered-attempt");
            });
  }

  @Test
  void theJsonLogLineAboutARecordCarriesItsTraceIdWithTracingOff(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("traced-log");
    KAFKA.createTopic(topic, 1);
    SpanContext producer = producerContext();
    send(topic, "{not json", producer);
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config, FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group("ferry-log").text());

    try (FerryProcess ferry =
        FerryProcess.start(
            dir, Map.of("FERRY_LOG_FORMAT", "json"), "run", "--config", config.toString())) {
      ferry.awaitOutput("dead-lettered " + topic + "-0@0", Duration.ofSeconds(60));
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isZero();

      JsonNode line =
          ferry
              .output()
              .lines()
              .filter(l -> l.contains("dead-lettered " + topic + "-0@0"))
              .map(TracingIT::json)
              .findFirst()
              .orElseThrow();
      assertThat(line.path("mdc").path("trace_id").asText()).isEqualTo(producer.getTraceId());
      assertThat(line.path("mdc").path("span_id").asText()).isEqualTo(producer.getSpanId());
      assertThat(line.path("mdc").path("offset").asText()).isEqualTo("0");
    }
  }

  @Test
  void anUnreachableCollectorCostsDroppedSpansNeverRecords(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("traced-lost");
    KAFKA.createTopic(topic, 1);
    for (int i = 0; i < 50; i++) {
      send(topic, event("2.00"), producerContext());
    }
    int port;
    int collector;
    try (java.net.ServerSocket http = new java.net.ServerSocket(0);
        java.net.ServerSocket nobody = new java.net.ServerSocket(0)) {
      port = http.getLocalPort();
      collector = nobody.getLocalPort(); // closed again: nothing listens there
    }
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-lost-spans")
            .httpPort(port)
            .tracingProperty("otel.traces.exporter", "otlp")
            .tracingProperty("otel.exporter.otlp.protocol", "http/protobuf")
            .tracingProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector)
            .tracingProperty("otel.bsp.export.timeout", "2s")
            .text());

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> PG.queryLong("SELECT count(*) FROM events WHERE amount = 2.00") == 50);
      Scrape scrape = new Scrape(port);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> scrape.sum("ferry_tracing_spans_dropped_total{reason=\"export-failed\"}") > 0);
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isZero();
      assertThat(ferry.output())
          .contains("tracing on: service ferry, exporter OtlpHttpSpanExporter");
    }
  }

  private static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not a JSON log line: " + line, e);
    }
  }
}
