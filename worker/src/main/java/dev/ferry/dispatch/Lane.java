package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The FIFO queue of one worker. All records of a key land in the same lane, so they are applied in
 * offset order. The queue itself is unbounded; {@link Lanes} bounds the records of all lanes
 * together. Thread-safe: one producer (the poll thread), one consumer (the lane's worker).
 */
final class Lane {
  private final LinkedBlockingQueue<WorkItem> queue = new LinkedBlockingQueue<>();

  void add(WorkItem item) {
    queue.add(item);
  }

  /** Removes the queued records of the partitions {@code which} selects; returns how many. */
  int discard(Predicate<PartitionState> which) {
    int[] dropped = {0};
    queue.removeIf(
        item -> {
          boolean drop = which.test(item.partition());
          if (drop) {
            dropped[0]++;
          }
          return drop;
        });
    return dropped[0];
  }

  int depth() {
    return queue.size();
  }

  /**
   * Takes up to {@code max} records: waits up to {@code idleWait} for the first, then up to {@code
   * linger} more to fill the batch. Returns an empty list when nothing arrived.
   */
  List<WorkItem> takeBatch(int max, Duration linger, Duration idleWait)
      throws InterruptedException {
    List<WorkItem> batch = new ArrayList<>(Math.min(max, 1024));
    WorkItem first = queue.poll(idleWait.toNanos(), TimeUnit.NANOSECONDS);
    if (first == null) {
      return batch;
    }
    batch.add(first);
    long deadline = System.nanoTime() + linger.toNanos();
    while (batch.size() < max) {
      if (queue.drainTo(batch, max - batch.size()) > 0) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      WorkItem next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        break;
      }
      batch.add(next);
    }
    return batch;
  }
}
