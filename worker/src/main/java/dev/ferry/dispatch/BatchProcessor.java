package dev.ferry.dispatch;

import java.util.List;

/** Applies one batch of a lane. Implemented by the pipeline; called on a worker thread. */
public interface BatchProcessor {
  /**
   * Applies every record of the batch or dead-letters it, and completes each one it finished. It
   * may return early, leaving records incomplete, only when the worker is stopping; those records
   * are then read again by the next owner of their partition.
   *
   * @throws InterruptedException if the worker thread is interrupted
   */
  void process(List<WorkItem> batch) throws InterruptedException;

  /**
   * {@link #process(List)}, where a record may also be left to wait in its lane's {@code later}
   * queue, to be written again when due (retry later); the records of a key that waits are put
   * behind it. A processor that never lets a record wait ignores {@code later}.
   */
  default void process(List<WorkItem> batch, LaterQueue later) throws InterruptedException {
    process(batch);
  }
}
