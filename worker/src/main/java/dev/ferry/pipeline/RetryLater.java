package dev.ferry.pipeline;

import dev.ferry.config.Durations;
import dev.ferry.config.RetrySettings;
import dev.ferry.dispatch.LaterQueue;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.SqlStateClasses;
import dev.ferry.errors.WarnThrottle;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.KeyHold;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry later: a record whose row Postgres refuses with a retry-later SQLSTATE ({@code
 * retry.sqlstates}; by default 23503, a foreign key whose parent row may arrive on another topic a
 * moment later) is not dead-lettered at once. It waits in its lane's {@link LaterQueue} and is
 * written again after delays that double from {@code retry.later.first-delay} up to {@code
 * max-delay}; the later records of its key wait behind it, so the key's order holds, while other
 * keys go on. Once {@code retry.later.horizon} has passed since its first refusal, a refusal is
 * final and it is dead-lettered, and the records behind it go on. A refusal while {@code
 * retry.later.max-records} records wait is final at once. Thread-safe: holds no state per batch.
 */
final class RetryLater {
  private static final Logger log = LoggerFactory.getLogger(RetryLater.class);

  private final SqlStateClasses classes;
  private final RetrySettings.Later settings;
  private final Clock clock;
  private final WorkerCounters counters;
  private final WarnThrottle fullWarnings;
  private final WarnThrottle waitNotes;

  RetryLater(
      SqlStateClasses classes, RetrySettings.Later settings, Clock clock, WorkerCounters counters) {
    this.classes = classes;
    this.settings = settings;
    this.clock = clock;
    this.counters = counters;
    this.fullWarnings = new WarnThrottle(clock, Duration.ofSeconds(30));
    this.waitNotes = new WarnThrottle(clock, Duration.ofSeconds(30));
  }

  /**
   * The hold for an isolating write of {@code work}: whether a refused record waits is decided once
   * per record and batch (kept in {@link BatchWork#waits}), so that a write repeated after a
   * transient failure decides alike.
   */
  KeyHold hold(BatchWork work) {
    return new KeyHold() {
      @Override
      public Object key(int row) {
        return LaterQueue.keyOf(work.rowItems.get(row));
      }

      @Override
      public boolean holds(int row, SQLException failure) {
        return work.waits.computeIfAbsent(
            work.rowItems.get(row), item -> waits(work, item, failure));
      }
    };
  }

  private boolean waits(BatchWork work, WorkItem item, SQLException failure) {
    if (!classes.retriesLater(failure)) {
      return false;
    }
    LaterQueue later = work.later;
    Optional<LaterQueue.Retry> retry = later.retryOf(item);
    if (retry.isEmpty() && !later.hasRoom(newWaits(work))) {
      long count = fullWarnings.occurred();
      if (count > 0) {
        log.warn(
            "{} is dead-lettered at once: retry.later.max-records ({}) records wait already ({}"
                + " such records since the last warning)",
            item,
            settings.maxRecords(),
            count);
      }
      return false;
    }
    Instant now = clock.instant();
    Instant first = retry.map(LaterQueue.Retry::firstRefused).orElse(now);
    Duration waited = Duration.between(first, now);
    if (waited.compareTo(settings.horizon()) < 0) {
      return true;
    }
    if (retry.isPresent()) {
      log.warn(
          "{} is still refused {} after its first refusal ({} attempts), past retry.later.horizon"
              + " ({}): it is dead-lettered, and the records of its key behind it go on",
          item,
          Durations.format(waited),
          retry.get().refusals() + 1,
          Durations.format(settings.horizon()));
    }
    return false;
  }

  /**
   * After a committed isolating write: the refused records the hold let wait are left in the lane's
   * queue, each until its next attempt, and the records held behind them wait behind them.
   *
   * @param rejected the refusals, by row
   * @param failedRecords the refused records, by the index of their first row
   * @return the records now waiting: neither applied nor complete
   */
  Set<WorkItem> leaveWaiting(
      BatchWork work,
      Map<Integer, BatchWriter.Rejection> rejected,
      Map<WorkItem, Integer> failedRecords) {
    if (work.waits.isEmpty() && work.held.isEmpty()) {
      return Set.of();
    }
    Set<WorkItem> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
    Instant now = clock.instant();
    for (WorkItem item : failedRecords.keySet()) {
      if (Boolean.TRUE.equals(work.waits.get(item))) {
        Optional<LaterQueue.Retry> before = work.later.retryOf(item);
        LaterQueue.Retry retry =
            new LaterQueue.Retry(
                before.map(LaterQueue.Retry::firstRefused).orElse(now),
                before.map(LaterQueue.Retry::refusals).orElse(0) + 1);
        Instant next = now.plus(settings.delay(retry.refusals()));
        Instant horizon = retry.firstRefused().plus(settings.horizon());
        work.later.wait(item, retry, next.isAfter(horizon) ? horizon : next);
        waiting.add(item);
        if (before.isEmpty()) {
          long count = waitNotes.occurred();
          if (count > 0) {
            log.info(
                "{} waits to be written again (retry later, up to retry.later.horizon {}): {}{}",
                item,
                Durations.format(settings.horizon()),
                rejected.get(failedRecords.get(item)).error().getMessage(),
                count > 1 ? " (" + count + " records began to wait since the last such line)" : "");
          }
        }
        counters.addRetriedLater(work.rows.get(failedRecords.get(item)).pipeline());
      }
    }
    WorkItem previous = null;
    for (int row : new TreeSet<>(work.held)) {
      WorkItem item = work.rowItems.get(row);
      if (item != previous) {
        work.later.behind(item);
        waiting.add(item);
        previous = item;
      }
    }
    return waiting;
  }

  /** The records of the batch decided to start waiting so far (none of them waited before). */
  private static int newWaits(BatchWork work) {
    int n = 0;
    for (Map.Entry<WorkItem, Boolean> e : work.waits.entrySet()) {
      if (e.getValue() && work.later.retryOf(e.getKey()).isEmpty()) {
        n++;
      }
    }
    return n;
  }

  /** How many times {@code item}'s write was refused before, when it waited; 0 otherwise. */
  static int refusalsBefore(BatchWork work, WorkItem item) {
    return work.later.retryOf(item).map(LaterQueue.Retry::refusals).orElse(0);
  }
}
