package dev.ferry.app;

import dev.ferry.bookkeeping.PipelinePauses;
import dev.ferry.bookkeeping.PipelinePauses.Pause;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this worker knows of the operator pauses in {@code ferry.pipeline_pauses}: read at start
 * (before the poll loop exists, so a paused pipeline is never fetched after a restart) and then
 * every {@code worker.control-interval}, so that a pause or resume made anywhere (CLI, another
 * replica's HTTP API) is obeyed by every replica within that interval. A pipeline whose pause is
 * lifted is handed to {@code onResumed} (its topics are read again from their watermarks, since its
 * queued records were dropped when it paused). When the table cannot be read, the last known pauses
 * stay in force (logged). Thread-safe.
 */
final class PausedPipelines implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PausedPipelines.class);

  private final Set<String> pipelines;
  private final Consumer<String> onResumed;
  private final Object lock = new Object();
  private volatile Map<String, Pause> paused = Map.of();
  private volatile PipelinePauses store;
  private ScheduledExecutorService timer;
  private final ControlTableReads reads = new ControlTableReads("ferry.pipeline_pauses", "pauses");

  /**
   * @param pipelines the configured pipelines; pauses of other names (another config of the same
   *     group) are ignored
   */
  PausedPipelines(Set<String> pipelines, Consumer<String> onResumed) {
    this.pipelines = Set.copyOf(pipelines);
    this.onResumed = onResumed;
  }

  /** Reads the pauses now, logs those in force, and re-reads them every {@code interval}. */
  void start(PipelinePauses store, Duration interval) throws SQLException {
    start(store, interval, () -> {});
  }

  /**
   * As {@link #start(PipelinePauses, Duration)}, running {@code alsoEachInterval} after each
   * re-read, on the same timer thread (the rate limits are read beside the pauses).
   */
  void start(PipelinePauses store, Duration interval, Runnable alsoEachInterval)
      throws SQLException {
    this.store = store;
    apply(store.current()); // logs each pause in force, for the start log
    synchronized (lock) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "ferry-pipeline-control");
                t.setDaemon(true);
                return t;
              });
      long ms = interval.toMillis();
      timer.scheduleWithFixedDelay(
          () -> {
            refresh();
            alsoEachInterval.run();
          },
          ms,
          ms,
          TimeUnit.MILLISECONDS);
    }
  }

  /** The table, once {@link #start} ran; empty before. */
  Optional<PipelinePauses> store() {
    return Optional.ofNullable(store);
  }

  boolean isPaused(String pipeline) {
    return paused.containsKey(pipeline);
  }

  Optional<Pause> pause(String pipeline) {
    return Optional.ofNullable(paused.get(pipeline));
  }

  /** Reads the table again and applies it; a failure keeps the last known pauses. */
  void refresh() {
    PipelinePauses s = store;
    if (s == null) {
      return;
    }
    reads.run(
        () -> {
          synchronized (lock) { // read and apply as one, so that an older read never undoes a newer
            apply(s.current());
          }
        });
  }

  /** Takes {@code now} as the pauses in force: logs the changes, hands on lifted pauses. */
  void apply(Map<String, Pause> now) {
    synchronized (lock) {
      Map<String, Pause> next = new HashMap<>();
      now.forEach(
          (name, p) -> {
            if (pipelines.contains(name)) {
              next.put(name, p);
            }
          });
      Map<String, Pause> before = paused;
      paused = Map.copyOf(next);
      for (Pause p : next.values()) {
        if (!before.containsKey(p.pipeline())) {
          log.warn(
              "pipeline {} paused: {}; its partitions are paused, in-flight batches finish",
              p.pipeline(),
              describe(p));
        }
      }
      for (String name : before.keySet()) {
        if (!next.containsKey(name)) {
          log.warn("pipeline {} resumed (its pause was lifted)", name);
          onResumed.accept(name);
        }
      }
    }
  }

  static String describe(Pause p) {
    return "since "
        + p.since()
        + " by "
        + p.by()
        + (p.reason().isEmpty() ? "" : " (" + p.reason() + ")");
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (timer != null) {
        timer.shutdownNow();
      }
    }
  }
}
