package dev.ferry.support;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/**
 * The OpenTelemetry SDK's in-memory exporter, offered to Ferry's standard exporter lookup under the
 * name {@value #NAME} ({@code otel.traces.exporter: ferry-test-memory}), so that an IT reads back
 * the spans a worker in the test JVM exported. One exporter for the whole JVM; it outlives every
 * worker's SDK (their shutdown does not stop it).
 */
public final class MemorySpans implements ConfigurableSpanExporterProvider {
  public static final String NAME = "ferry-test-memory";

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  /** Every span exported so far, by any worker of this JVM. */
  public static List<SpanData> exported() {
    return SPANS.getFinishedSpanItems();
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return SPANS.export(spans);
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
  }

  @Override
  public String getName() {
    return NAME;
  }
}
