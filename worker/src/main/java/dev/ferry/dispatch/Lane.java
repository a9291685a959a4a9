package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The FIFO queue of one worker. All records of a key land in the same lane, so they are applied in
 * offset order. The queue itself is unbounded; {@link Lanes} bounds the records and bytes of all
 * lanes together. Thread-safe: one producer (the poll thread), one consumer (the lane's worker),
 * and discards by the poll thread; one lock guards the queue, so a batch can look at the next
 * record's cost before it takes it.
 */
final class Lane {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final ArrayDeque<WorkItem> queue = new ArrayDeque<>();

  void add(WorkItem item) {
    lock.lock();
    try {
      queue.addLast(item);
      added.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Removes the queued records of the partitions {@code which} selects and returns them. */
  List<WorkItem> discard(Predicate<PartitionState> which) {
    List<WorkItem> dropped = new ArrayList<>();
    lock.lock();
    try {
      for (Iterator<WorkItem> it = queue.iterator(); it.hasNext(); ) {
        WorkItem item = it.next();
        if (which.test(item.partition())) {
          it.remove();
          dropped.add(item);
        }
      }
    } finally {
      lock.unlock();
    }
    return dropped;
  }

  int depth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes up to {@code max} records costing up to {@code maxBytes} together ({@link
   * WorkItem#cost()}): waits up to {@code idleWait} for the first, then up to {@code linger} more
   * to fill the batch. The first record is always taken, whatever its cost, so a record larger than
   * the limit travels alone. Returns an empty list when nothing arrived.
   */
  List<WorkItem> takeBatch(int max, long maxBytes, Duration linger, Duration idleWait)
      throws InterruptedException {
    List<WorkItem> batch = new ArrayList<>(Math.min(max, 1024));
    lock.lockInterruptibly();
    try {
      long idle = idleWait.toNanos();
      while (queue.isEmpty()) {
        if (idle <= 0) {
          return batch;
        }
        idle = added.awaitNanos(idle);
      }
      long bytes = 0;
      long deadline = System.nanoTime() + linger.toNanos();
      while (batch.size() < max) {
        WorkItem next = queue.peekFirst();
        if (next == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          added.awaitNanos(left);
          continue;
        }
        if (!batch.isEmpty() && bytes + next.cost() > maxBytes) {
          break;
        }
        batch.add(queue.pollFirst());
        bytes += next.cost();
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** {@link #takeBatch(int, long, Duration, Duration)} without a byte limit. */
  List<WorkItem> takeBatch(int max, Duration linger, Duration idleWait)
      throws InterruptedException {
    return takeBatch(max, Long.MAX_VALUE, linger, idleWait);
  }
}
