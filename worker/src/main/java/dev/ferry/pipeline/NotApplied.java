package dev.ferry.pipeline;

import dev.ferry.dispatch.WorkItem;
import dev.ferry.metrics.SkipReason;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import java.util.LinkedHashMap;
import java.util.Map;

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
}
