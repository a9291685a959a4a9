package dev.ferry.dispatch;

import dev.ferry.config.Durations;
import dev.ferry.lifecycle.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of named threads ({@code ferry-worker-N}), one per lane. Each takes a batch from its
 * lane (up to {@code worker.batch-size} records and its share of the memory budget), drops records
 * of partitions this worker no longer owns, and hands the rest to the {@link BatchProcessor}; the
 * records leave the in-memory count only after that returns.
 */
public final class WorkerPool {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(100);

  private final Lanes lanes;
  private final BatchProcessor processor;
  private final int batchSize;
  private final long batchBytes;
  private final Duration linger;
  private final StopSignal stop;
  private final Consumer<Throwable> onCrash;
  private final Supplier<LaterQueue> laterQueues;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param batchBytes what one batch may cost ({@link RecordCost}); a batch always takes at least
   *     one record, so a larger record travels alone
   * @param stop ends the workers' loops when set by {@link #close}; the processor should wait on
   *     the same signal, so that its backoffs end too
   * @param onCrash called once per worker that dies of an unexpected error; the caller should stop
   *     the process, since that lane no longer moves
   */
  public WorkerPool(
      Lanes lanes,
      BatchProcessor processor,
      int batchSize,
      long batchBytes,
      Duration linger,
      StopSignal stop,
      Consumer<Throwable> onCrash) {
    this(lanes, processor, batchSize, batchBytes, linger, stop, onCrash, () -> LaterQueue.NONE);
  }

  /**
   * @param laterQueues makes each lane's queue of records that wait to be written again later
   */
  public WorkerPool(
      Lanes lanes,
      BatchProcessor processor,
      int batchSize,
      long batchBytes,
      Duration linger,
      StopSignal stop,
      Consumer<Throwable> onCrash,
      Supplier<LaterQueue> laterQueues) {
    this.lanes = lanes;
    this.processor = processor;
    this.batchSize = batchSize;
    this.batchBytes = batchBytes;
    this.linger = linger;
    this.stop = stop;
    this.onCrash = onCrash;
    this.laterQueues = laterQueues;
  }

  public synchronized void start() {
    for (int i = 0; i < lanes.count(); i++) {
      Lane lane = lanes.lane(i);
      Thread t = new Thread(() -> work(lane), "ferry-worker-" + (i + 1));
      t.setDaemon(false);
      threads.add(t);
      t.start();
    }
  }

  /**
   * A worker's loop: a batch from the lane, after the lane's waiting records that are due (they are
   * older than anything of their key in the lane); records of partitions no longer owned are left
   * out. The lane's records leave the in-memory count once processed, those left waiting too.
   */
  private void work(Lane lane) {
    LaterQueue later = laterQueues.get();
    try {
      while (!stop.isStopped()) {
        Duration untilDue = later.isEmpty() ? null : later.untilDue();
        Duration wait =
            untilDue == null || untilDue.compareTo(IDLE_WAIT) > 0
                ? IDLE_WAIT
                : untilDue.plusMillis(1);
        List<WorkItem> batch = lane.takeBatch(batchSize, batchBytes, linger, wait);
        List<WorkItem> due = later.takeDue();
        if (batch.isEmpty() && due.isEmpty()) {
          continue;
        }
        try {
          List<WorkItem> live = new ArrayList<>(due.size() + batch.size());
          live.addAll(due);
          for (WorkItem item : batch) {
            if (!item.partition().isRetired()) {
              live.add(item);
            }
          }
          if (!live.isEmpty()) {
            processor.process(live, later);
          }
        } finally {
          lanes.release(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.info("{} interrupted, stopping", Thread.currentThread().getName());
    } catch (RuntimeException | Error e) {
      log.error("{} crashed", Thread.currentThread().getName(), e);
      onCrash.accept(e);
    }
  }

  /** Names of worker threads that are no longer running (a crash, or after close). */
  public synchronized List<String> deadWorkers() {
    List<String> dead = new ArrayList<>();
    for (Thread t : threads) {
      if (!t.isAlive()) {
        dead.add(t.getName());
      }
    }
    return dead;
  }

  /**
   * Stops the workers: they finish the batch in hand (its backoffs cut short), then exit. Waits up
   * to {@code timeout} in all, then interrupts the ones still running.
   *
   * @return true if every worker ended in time
   */
  public boolean close(Duration timeout) throws InterruptedException {
    stop.stop();
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean clean = true;
    for (Thread t : threads) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      t.join(left);
      if (t.isAlive()) {
        clean = false;
        log.warn(
            "{} did not stop within {}, interrupting it", t.getName(), Durations.format(timeout));
        t.interrupt();
      }
    }
    return clean;
  }
}
