package dev.ferry.app;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * What a rewind does, per partition: the group's committed offset now and the new one. Records in
 * {@code [new, committed)} were applied and will be applied again; a new offset above the committed
 * one skips records instead. Immutable.
 */
record RewindPlan(List<RewindPlan.Move> moves) {

  /** One partition's move; {@code committed} is empty when the group never committed one. */
  record Move(TopicPartition partition, OptionalLong committed, long target) {
    /** Records applied before that will be applied again: {@code committed - target}, or 0. */
    long reapplied() {
      return committed.isPresent() ? Math.max(0, committed.getAsLong() - target) : 0;
    }

    /** Records never applied that the move jumps over: {@code target - committed}, or 0. */
    long skipped() {
      return committed.isPresent() ? Math.max(0, target - committed.getAsLong()) : 0;
    }
  }

  RewindPlan {
    moves =
        moves.stream()
            .sorted(
                Comparator.comparing((Move m) -> m.partition().topic())
                    .thenComparingInt(m -> m.partition().partition()))
            .toList();
  }

  /** Records to apply again, over all partitions. */
  long reapplied() {
    return moves.stream().mapToLong(Move::reapplied).sum();
  }

  /** The new offsets, to move the group and the markers to. */
  Map<TopicPartition, Long> targets() {
    Map<TopicPartition, Long> targets = new LinkedHashMap<>();
    moves.forEach(m -> targets.put(m.partition(), m.target()));
    return targets;
  }

  /** The plan as printed: one line per partition, then the total. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (Move m : moves) {
      String from = m.committed().isPresent() ? Long.toString(m.committed().getAsLong()) : "none";
      String what =
          m.skipped() > 0
              ? "skips " + m.skipped() + " records"
              : "re-applies " + m.reapplied() + " records";
      lines.add("  " + m.partition() + "  " + from + " -> " + m.target() + "  " + what);
    }
    lines.add("  total: " + reapplied() + " records applied again");
    return lines;
  }

  /** The plan as the audit row's {@code partitions} jsonb. */
  String json() {
    List<String> items = new ArrayList<>();
    for (Move m : moves) {
      items.add(
          "{\"topic\":\""
              + m.partition().topic()
              + "\",\"partition\":"
              + m.partition().partition()
              + ",\"committed\":"
              + (m.committed().isPresent() ? m.committed().getAsLong() : "null")
              + ",\"new\":"
              + m.target()
              + ",\"records\":"
              + m.reapplied()
              + "}");
    }
    return "[" + String.join(",", items) + "]";
  }

  /**
   * Parses {@code --to-offsets}: {@code TOPIC:PARTITION=OFFSET} items separated by commas. Every
   * bad item is added to {@code problems}, named as typed.
   */
  static Map<TopicPartition, Long> parseOffsets(String text, List<String> problems) {
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    for (String raw : text.split(",", -1)) {
      String item = raw.trim();
      int colon = item.lastIndexOf(':');
      int eq = item.indexOf('=', Math.max(colon, 0));
      if (colon <= 0 || eq < 0) {
        problems.add("--to-offsets: '" + item + "' is not TOPIC:PARTITION=OFFSET");
        continue;
      }
      try {
        TopicPartition tp =
            new TopicPartition(
                item.substring(0, colon), Integer.parseInt(item.substring(colon + 1, eq).trim()));
        long offset = Long.parseLong(item.substring(eq + 1).trim());
        if (tp.partition() < 0 || offset < 0) {
          problems.add("--to-offsets: '" + item + "' has a negative partition or offset");
        } else if (offsets.put(tp, offset) != null) {
          problems.add("--to-offsets: " + tp + " is given twice");
        }
      } catch (NumberFormatException e) {
        problems.add("--to-offsets: '" + item + "' is not TOPIC:PARTITION=OFFSET");
      }
    }
    return offsets;
  }
}
