package dev.ferry.bench;

import dev.ferry.testkit.load.Event;
import dev.ferry.testkit.load.EventSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the sink benchmarks share: the rows they write, and the server's CPU they read. */
final class SinkRows {
  private SinkRows() {}

  /** {@code count} rows of the {@code events} table's columns, as the coercers' text (seed 1). */
  static List<String[]> events(int count) {
    EventSequence sequence = new EventSequence(1, 1_000, 0.0);
    List<String[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Event e = sequence.next().event();
      rows.add(
          new String[] {
            e.eventId().toString(),
            e.userId(),
            e.type(),
            e.amount().toPlainString(),
            e.ts().toString(),
            e.attrsJson()
          });
    }
    return rows;
  }

  /**
   * The CPU (user and system) the server process {@code pid} has spent, from {@code /proc} at the
   * kernel's 100 Hz tick; -1 when the server is not on this machine.
   */
  static long processCpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command: state is field 3, utime field 14, stime field 15.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
