package dev.ferry.metrics;

/**
 * The records held in memory between the poll loop and the workers (the lanes), read by the gauges.
 * Every reader is cheap and thread-safe.
 */
public interface QueueView {
  /** Records held: queued in lanes or in a worker's batch. */
  int inMemory();

  /** {@code worker.queue-capacity}: records held before partitions are paused. */
  int capacity();

  /** Estimated heap held by the records in memory. */
  long bytesInMemory();

  /** The highest {@link #bytesInMemory()} since start. */
  long peakBytesInMemory();

  /** What the records in memory may cost before partitions are paused. */
  long byteLimit();

  /** How many lanes there are (one per worker thread). */
  int lanes();

  /** Records queued in a lane, not yet taken by its worker; {@code lane} counts from 0. */
  int depth(int lane);
}
