package dev.ferry.dlt;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What {@code ferry dlt replay} prints on standard output: the line naming the run, a dry run's
 * line per selected dead letter, and the counts at the end. Pure.
 */
public final class ReplayText {
  private ReplayText() {}

  /**
   * The first line: the run's name, its DLTs and their size, the filter and the target.
   *
   * @param records the records the DLTs held when the run began
   */
  public static String header(
      String name, boolean dryRun, ReplayRequest request, long records, DltFilter filter) {
    return String.format(
        "replay %s%s: %s (%d records now), filter: %s, target: %s%s",
        name,
        dryRun ? " (dry run: nothing is written)" : "",
        String.join(", ", request.dltTopics()),
        records,
        Printable.escape(filter.describe()),
        request.target(),
        request.reapply() ? ", reapplying applied records" : "");
  }

  /** A dry run's line for one selected dead letter: the record and what a real run would do. */
  public static String dryRunLine(
      ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info, String action) {
    return DeadLetterText.line(record, info)
        + "  -> "
        + (action.startsWith("skip: ") ? action : "would " + action);
  }

  /** The counts a run ends with, skipped ones by reason. */
  public static List<String> summary(Replayer.Summary s, boolean dryRun) {
    String verb = dryRun ? "would be " : "";
    List<String> lines = new ArrayList<>();
    lines.add(String.format("read       %d", s.read()));
    lines.add(String.format("selected   %d", s.selected()));
    lines.add(String.format("replayed   %d%s", s.replayed(), dryRun ? " (would be)" : ""));
    lines.add(
        String.format(
            "parked     %d%s",
            s.parked(),
            s.parked() > 0
                ? " (" + verb + "sent to DLT.parked: replayed --max-replays times)"
                : ""));
    lines.add(String.format("skipped    %d", s.skippedTotal()));
    s.skipped().forEach((why, n) -> lines.add(String.format("  %d: %s", n, why)));
    return lines;
  }
}
