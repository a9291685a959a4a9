package dev.ferry.pipeline;

import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.metrics.SkipReason;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.Origin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads what a replayed copy of a dead letter says about the original record it stands for. */
final class ReplayCopies {
  private ReplayCopies() {}

  /** The original record a replayed copy stands for; empty for any other record. */
  static Optional<Origin.ReplayOf> replayOf(ConsumerRecord<byte[], byte[]> record) {
    Optional<FirstOrigin> first = FirstOrigin.ofReplayedCopy(record.headers());
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Header name = record.headers().lastHeader(FirstOrigin.REPLAY_NAME);
    return Optional.of(
        new Origin.ReplayOf(
            first.get().topic(),
            first.get().partition(),
            first.get().offset(),
            FirstOrigin.reapply(record.headers()),
            Optional.ofNullable(name)
                .map(Header::value)
                .map(v -> new String(v, java.nio.charset.StandardCharsets.UTF_8))));
  }

  /**
   * Counts the replayed copies the sink skipped because their original record was applied before
   * (complete, not applied), and returns them with {@code failed}: the records not applied.
   */
  static Map<WorkItem, Integer> withAlreadyApplied(
      BatchWork work, Map<WorkItem, Integer> failed, WorkerCounters counters) {
    Map<WorkItem, Integer> notApplied = new LinkedHashMap<>(failed);
    for (int i = 0; i < work.rows.size(); i++) {
      WorkItem item = work.rowItems.get(i);
      if (notApplied.containsKey(item)
          || !work.alreadyApplied.contains(work.rows.get(i).origin())) {
        continue;
      }
      notApplied.put(item, i);
      counters.addSkipped(work.rows.get(i).pipeline(), SkipReason.ALREADY_APPLIED);
      work.span(item.record()).setAttribute(BatchWork.OUTCOME, SkipReason.ALREADY_APPLIED.label());
    }
    return notApplied;
  }
}
