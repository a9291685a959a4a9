package dev.ferry.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands ended, sampled spans to the exporter on its own thread ({@code ferry-span-export}) and
 * never makes a worker wait: a span that finds the bounded queue full is dropped and counted, and
 * so is every span of a batch the exporter failed to take. Like the SDK's batch processor, whose
 * queue settings ({@code otel.bsp.*}) it honours, but with the drops readable for Ferry's metrics.
 * Thread-safe.
 */
final class NonBlockingSpanProcessor implements SpanProcessor {
  private static final Logger log = LoggerFactory.getLogger(NonBlockingSpanProcessor.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(200);

  private final SpanExporter exporter;
  private final ArrayBlockingQueue<ReadableSpan> queue;
  private final int batchSize;
  private final Duration exportTimeout;
  private final LongAdder queueFull = new LongAdder();
  private final LongAdder exportFailed = new LongAdder();
  private final LongAdder exported = new LongAdder();
  private final AtomicInteger exporting = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stopped;

  NonBlockingSpanProcessor(
      SpanExporter exporter, int queueSize, int batchSize, Duration exportTimeout) {
    this.exporter = exporter;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.batchSize = batchSize;
    this.exportTimeout = exportTimeout;
    this.thread = new Thread(this::run, "ferry-span-export");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    if (stopped || !queue.offer(span)) {
      queueFull.increment();
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Spans dropped because the queue was full (the exporter did not keep up). */
  long droppedQueueFull() {
    return queueFull.sum();
  }

  /** Spans dropped because the exporter failed or timed out on their batch. */
  long droppedExportFailed() {
    return exportFailed.sum();
  }

  long exported() {
    return exported.sum();
  }

  private void run() {
    List<ReadableSpan> batch = new ArrayList<>(batchSize);
    while (!stopped || !queue.isEmpty()) {
      try {
        ReadableSpan first = queue.poll(IDLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        exporting.incrementAndGet();
        try {
          batch.add(first);
          queue.drainTo(batch, batchSize - 1);
          export(batch);
        } finally {
          batch.clear();
          exporting.decrementAndGet();
          synchronized (this) {
            notifyAll(); // a flush may wait for this batch
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // shutdown gave up waiting
      } catch (RuntimeException e) {
        log.warn("exporting spans failed: {}", e.toString());
      }
    }
  }

  private void export(List<ReadableSpan> batch) {
    List<SpanData> data = new ArrayList<>(batch.size());
    batch.forEach(span -> data.add(span.toSpanData()));
    CompletableResultCode result = exporter.export(data);
    result.join(exportTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (result.isSuccess()) {
      exported.add(data.size());
    } else {
      exportFailed.add(data.size());
    }
  }

  /**
   * Waits until every span queued so far was handed to the exporter, at most the export timeout.
   */
  @Override
  public CompletableResultCode forceFlush() {
    long deadline = System.nanoTime() + exportTimeout.toNanos();
    synchronized (this) {
      while (!queue.isEmpty() || exporting.get() > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return CompletableResultCode.ofFailure();
        }
        try {
          // Woken after each exported batch; the bound covers a span queued after the last one.
          wait(Math.min(left, IDLE_WAIT.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return CompletableResultCode.ofFailure();
        }
      }
    }
    return exporter.flush().join(exportTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Exports what is queued (within the export timeout), then shuts the exporter down. */
  @Override
  public CompletableResultCode shutdown() {
    stopped = true;
    try {
      thread.join(exportTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
    return exporter.shutdown();
  }

  @Override
  public String toString() {
    return exporter.toString();
  }
}
