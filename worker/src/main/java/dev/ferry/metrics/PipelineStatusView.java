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

  /** The pipeline's records-per-second limit in force; 0 when unlimited. */
  default double rateLimitRecordsPerSecond(String pipeline) {
    return 0;
  }

  /** The pipeline's max-transactions limit in force; 0 when unlimited. */
  default double rateLimitMaxTransactions(String pipeline) {
    return 0;
  }

  /** Seconds the pipeline was held back by its records-per-second limit, since start. */
  default double throttledSeconds(String pipeline) {
    return 0;
  }
}
