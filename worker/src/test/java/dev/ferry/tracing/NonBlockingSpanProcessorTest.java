package dev.ferry.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ending a span never waits for the exporter; what cannot be exported is dropped and counted. */
@Timeout(60)
class NonBlockingSpanProcessorTest {

  /** An exporter that hangs until released, like a collector that stopped answering. */
  private static final class HangingExporter implements SpanExporter {
    final CountDownLatch release = new CountDownLatch(1);
    final CompletableResultCode pending = new CompletableResultCode();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return pending;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      release.countDown();
      return CompletableResultCode.ofSuccess();
    }
  }

  private static Tracer tracer(NonBlockingSpanProcessor processor) {
    return SdkTracerProvider.builder()
        .setSampler(Sampler.alwaysOn())
        .addSpanProcessor(processor)
        .build()
        .get("test");
  }

  @Test
  void spansAreExportedInBatchesOffTheCallersThread() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    NonBlockingSpanProcessor processor =
        new NonBlockingSpanProcessor(exporter, 100, 10, Duration.ofSeconds(5));
    Tracer tracer = tracer(processor);

    for (int i = 0; i < 25; i++) {
      tracer.spanBuilder("s" + i).startSpan().end();
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> exporter.getFinishedSpanItems().size() == 25);
    assertThat(processor.exported()).isEqualTo(25);
    assertThat(processor.droppedQueueFull()).isZero();
    processor.shutdown();
  }

  @Test
  void aHangingExporterNeverBlocksTheCallerAndTheOverflowIsCounted() {
    HangingExporter exporter = new HangingExporter();
    NonBlockingSpanProcessor processor =
        new NonBlockingSpanProcessor(exporter, 10, 5, Duration.ofMillis(300));
    Tracer tracer = tracer(processor);

    // The export thread takes one batch of up to 5 and waits on it; 10 more fill the queue.
    long started = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      tracer.spanBuilder("s" + i).startSpan().end();
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(processor.droppedQueueFull()).isGreaterThanOrEqualTo(1_000 - 10 - 5);
    assertThat(tookMillis)
        .as("1,000 spans ended without waiting for the exporter")
        .isLessThan(5_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> processor.droppedExportFailed() > 0); // the hung batch timed out
    processor.shutdown();
  }

  @Test
  void unsampledSpansAreNotExported() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    NonBlockingSpanProcessor processor =
        new NonBlockingSpanProcessor(exporter, 100, 10, Duration.ofSeconds(5));
    Tracer tracer =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOff())
            .addSpanProcessor(processor)
            .build()
            .get("test");

    tracer.spanBuilder("unsampled").startSpan().end();
    processor.forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(processor.droppedQueueFull()).isZero();
    processor.shutdown();
  }
}
