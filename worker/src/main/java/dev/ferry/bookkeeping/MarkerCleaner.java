package dev.ferry.bookkeeping;

import dev.ferry.config.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes offset markers that fell below the committed Kafka offset, on its own thread ({@code
 * ferry-marker-cleanup}), so that the markers table stays small and a claim loads only what it
 * needs. A failed run is logged and tried again at the next interval. Closing interrupts the
 * thread, which ends a pass before its next partition and waits at most the stop timeout for the
 * statement under way.
 */
public final class MarkerCleaner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MarkerCleaner.class);

  private final EpochStore store;
  private final Supplier<Map<TopicPartition, Long>> committedOffsets;
  private final Duration stopTimeout;
  private final Map<TopicPartition, Long> cleanedUpTo = new HashMap<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ferry-marker-cleanup"));

  /**
   * @param stopTimeout how long {@link #close} waits for a pass under way: {@code
   *     database.statement-timeout}, which bounds its one statement running
   */
  public MarkerCleaner(
      EpochStore store,
      Supplier<Map<TopicPartition, Long>> committedOffsets,
      Duration stopTimeout) {
    this.store = store;
    this.committedOffsets = committedOffsets;
    this.stopTimeout = stopTimeout;
  }

  /**
   * Runs a pass every {@code interval} (a period, not a deadline), the first after one interval.
   */
  public void start(Duration interval) {
    thread.scheduleWithFixedDelay(
        this::cleanOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One pass over the owned partitions; runs on the cleanup thread (or a test's). */
  void cleanOnce() {
    Map<TopicPartition, Long> committed = committedOffsets.get();
    cleanedUpTo.keySet().retainAll(committed.keySet());
    for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
      if (Thread.currentThread().isInterrupted()) {
        return; // closing (the flag stays set); a later pass, of any owner, deletes the rest
      }
      clean(e.getKey(), e.getValue());
    }
  }

  private void clean(TopicPartition tp, long offset) {
    if (cleanedUpTo.getOrDefault(tp, -1L) >= offset) {
      return;
    }
    try {
      int deleted = store.deleteMarkersBelow(tp, offset);
      cleanedUpTo.put(tp, offset);
      log.debug("deleted {} markers of {} below offset {}", deleted, tp, offset);
    } catch (Exception e) {
      log.warn("deleting old markers of {} failed, will retry: {}", tp, e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "marker cleanup did not stop within {} (database.statement-timeout)",
            Durations.format(stopTimeout));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
