package dev.ferry.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.TracingSettings;
import dev.ferry.support.MemorySpans;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Starting the SDK from Ferry's settings; a configuration it cannot use is a clear error. */
class TracingSdkTest {
  private static TracingSettings settings(Map<String, String> properties) {
    return new TracingSettings(true, "ferry-test", properties);
  }

  @Test
  void aRecordWithoutATraceparentStartsASampledRecordedTrace() {
    try (TracingSdk sdk =
        TracingSdk.start(settings(Map.of("otel.traces.exporter", MemorySpans.NAME)), "g", 10)) {
      Span span =
          sdk.tracer().process(new ConsumerRecord<>("t", 0, 0L, new byte[0], new byte[0]), "p");
      assertThat(span.getSpanContext().isValid()).isTrue();
      assertThat(span.getSpanContext().isSampled()).isTrue();
      assertThat(span.isRecording()).isTrue();
      span.end();
      assertThat(sdk.droppedQueueFull()).isZero();
    }
  }

  @Test
  void theOtlpExporterSpeaksHttpByDefault() {
    try (TracingSdk sdk =
        TracingSdk.start(
            settings(Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318")), "g", 10)) {
      assertThat(sdk.tracer().enabled()).isTrue();
    }
  }

  @Test
  void anExporterOrProtocolFerryDoesNotShipIsAClearError() {
    assertThatThrownBy(
            () -> TracingSdk.start(settings(Map.of("otel.traces.exporter", "zipkin2")), "g", 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot configure tracing: ")
        .hasMessageContaining("zipkin2");
    assertThatThrownBy(
            () ->
                TracingSdk.start(settings(Map.of("otel.exporter.otlp.protocol", "grpc")), "g", 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot configure tracing: ");
  }
}
