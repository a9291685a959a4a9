package dev.ferry.metrics;

/** Whether a pipeline is halted, and why, read by the per-pipeline gauges. Thread-safe. */
public interface PipelineStatusView {
  /** Whether the pipeline is halted, for any reason. */
  boolean halted(String pipeline);

  /** Whether the pipeline is halted because one of its dead letters does not fit its DLT. */
  boolean haltedForTooLargeDeadLetter(String pipeline);

  /** Whether an operator paused the pipeline ({@code ferry pipeline pause}). */
  default boolean paused(String pipeline) {
    return false;
  }
}
