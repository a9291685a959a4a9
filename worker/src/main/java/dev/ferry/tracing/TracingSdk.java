package dev.ferry.tracing;

import dev.ferry.config.TracingSettings;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of a worker with tracing on, configured the standard way: the {@code
 * OTEL_*} environment variables and {@code -Dotel.*} system properties, over the defaults of the
 * {@code tracing} section (service name {@code ferry}, only traces exported, the sampler respecting
 * the parent's decision). The SDK's batch span processor is replaced by a {@link
 * NonBlockingSpanProcessor} on the same exporter, so that Ferry can count what it drops.
 */
public final class TracingSdk implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TracingSdk.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final OpenTelemetrySdk sdk;
  private final NonBlockingSpanProcessor processor;
  private final RecordTracer tracer;

  private TracingSdk(OpenTelemetrySdk sdk, NonBlockingSpanProcessor processor, String group) {
    this.sdk = sdk;
    this.processor = processor;
    this.tracer = new OtelRecordTracer(sdk.getTracer("dev.ferry"), group);
  }

  /**
   * Starts the SDK.
   *
   * @param group the consumer group, an attribute of every {@code process} span
   * @param batchSize {@code worker.batch-size}: a transaction span links that many records at most
   * @throws IllegalStateException when the OpenTelemetry configuration is invalid (an unknown
   *     exporter, a malformed endpoint)
   */
  public static TracingSdk start(TracingSettings settings, String group, int batchSize) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", settings.serviceName());
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // The JDK's HttpClient sends OTLP over HTTP; gRPC would need OkHttp or grpc-java in the jar.
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.span.link.count.limit", Integer.toString(Math.max(128, batchSize)));
    defaults.putAll(settings.properties());
    AtomicReference<NonBlockingSpanProcessor> ours = new AtomicReference<>();
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              .addSpanProcessorCustomizer(
                  (processor, config) -> {
                    if (!(processor instanceof BatchSpanProcessor batch)) {
                      return processor; // the logging exporter's simple processor
                    }
                    // The batch processor built here stays idle; the SDK shuts it down on close.
                    NonBlockingSpanProcessor replacement =
                        new NonBlockingSpanProcessor(
                            batch.getSpanExporter(),
                            config.getInt("otel.bsp.max.queue.size", 2048),
                            config.getInt("otel.bsp.max.export.batch.size", 512),
                            config.getDuration("otel.bsp.export.timeout", Duration.ofSeconds(30)));
                    ours.set(replacement);
                    return replacement;
                  })
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot configure tracing: " + e.getMessage(), e);
    }
    TracingSdk tracing = new TracingSdk(sdk, ours.get(), group);
    log.info("tracing on: service {}, exporter {}", settings.serviceName(), tracing.exporter());
    return tracing;
  }

  /** The exporter spans go to, as it describes itself; {@code none} without one. */
  public String exporter() {
    return processor == null ? "none" : processor.toString();
  }

  public RecordTracer tracer() {
    return tracer;
  }

  /** Spans dropped because the export queue was full; 0 without an exporter. */
  public long droppedQueueFull() {
    return processor == null ? 0 : processor.droppedQueueFull();
  }

  /** Spans dropped because the exporter failed on them; 0 without an exporter. */
  public long droppedExportFailed() {
    return processor == null ? 0 : processor.droppedExportFailed();
  }

  /** Exports what is queued, within a bound, and stops the SDK. */
  @Override
  public void close() {
    sdk.shutdown().join(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
