package dev.ferry.pipeline;

import dev.ferry.dispatch.WorkItem;
import dev.ferry.metrics.SkipReason;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of a committed batch that the sink completed without applying them: replayed copies
 * whose original record was applied before, and changes older than what their row already reflects
 * (newer wins). Both are complete, with an offset marker, and counted as skipped.
 */
final class NotApplied {
  private NotApplied() {}

  /**
   * Counts the records the sink skipped, and returns them with {@code failed}: every record not
   * applied, by the index of its first row.
   */
  static Map<WorkItem, Integer> with(
      BatchWork work, Map<WorkItem, Integer> failed, WorkerCounters counters) {
    if (work.alreadyApplied.isEmpty() && work.stale.isEmpty()) {
      return failed;
    }
    Map<WorkItem, Integer> notApplied = new LinkedHashMap<>(failed);
    for (int i = 0; i < work.rows.size(); i++) {
      WorkItem item = work.rowItems.get(i);
      if (notApplied.containsKey(item)) {
        continue;
      }
      Origin origin = work.rows.get(i).origin();
      SkipReason reason =
          work.alreadyApplied.contains(origin)
              ? SkipReason.ALREADY_APPLIED
              : work.stale.contains(origin) ? SkipReason.STALE : null;
      if (reason != null) {
        notApplied.put(item, i);
        counters.addSkipped(work.rows.get(i).pipeline(), reason);
        work.span(item.record()).setAttribute(BatchWork.OUTCOME, reason.label());
      }
    }
    return notApplied;
  }

  /** Adds each record of {@code rows} not in {@code failed} once, counted by pipeline. */
  static void collectApplied(
      List<Row> rows,
      List<WorkItem> items,
      Map<WorkItem, Integer> failed,
      List<WorkItem> applied,
      Map<String, Integer> byPipeline) {
    WorkItem previous = null;
    for (int i = 0; i < rows.size(); i++) {
      WorkItem item = items.get(i);
      if (item == previous) {
        continue; // another row of the same record
      }
      previous = item;
      if (!failed.isEmpty() && failed.containsKey(item)) {
        continue;
      }
      applied.add(item);
      byPipeline.merge(rows.get(i).pipeline(), 1, Integer::sum);
    }
  }

  /** Completes each record once, its rows being next to each other, except {@code notSent}. */
  static void completeEach(List<WorkItem> items, Set<WorkItem> notSent) {
    WorkItem previous = null;
    for (WorkItem item : items) {
      if (item != previous) {
        if (notSent.isEmpty() || !notSent.contains(item)) {
          item.complete();
        }
        previous = item;
      }
    }
  }
}
