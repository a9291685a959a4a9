package dev.ferry.metrics;

/** The spans tracing dropped instead of making a worker wait, counted since start. */
public interface SpanDropView {
  /** Dropped because the export queue was full. */
  long droppedQueueFull();

  /** Dropped because the exporter failed. */
  long droppedExportFailed();
}
