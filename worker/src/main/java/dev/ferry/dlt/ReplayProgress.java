package dev.ferry.dlt;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Progress of a replay on standard error: a bar redrawn in place on a terminal, a line every two
 * seconds otherwise. Not thread-safe.
 */
public final class ReplayProgress {
  /** How often a line is printed when standard error is not a terminal: a cadence, not a wait. */
  private static final Duration LINE_EVERY = Duration.ofSeconds(2);

  private final PrintWriter err;
  private final String name;
  private final long total;
  private final boolean terminal;
  private final Clock clock;
  private Instant lastLine = Instant.MIN;
  private Replayer.Summary last;

  /**
   * @param terminal whether {@code err} is a terminal (a bar redrawn in place) or not (lines)
   */
  public ReplayProgress(PrintWriter err, String name, long total, boolean terminal, Clock clock) {
    this.err = err;
    this.name = name;
    this.total = Math.max(total, 1);
    this.terminal = terminal;
    this.clock = clock;
  }

  public void update(Replayer.Summary s) {
    last = s;
    Instant now = clock.instant();
    if (terminal) {
      int width = 30;
      int filled = (int) Math.min(width, s.read() * width / total);
      err.printf(
          "\r[%s%s] %3d%% %s",
          "#".repeat(filled), " ".repeat(width - filled), s.read() * 100 / total, counts(s));
      err.flush();
    } else if (lastLine.plus(LINE_EVERY).isBefore(now)) {
      lastLine = now;
      err.println("replay " + name + ": " + counts(s));
      err.flush();
    }
  }

  public void done() {
    if (terminal && last != null) {
      err.println();
    }
    err.flush();
  }

  private String counts(Replayer.Summary s) {
    return "read "
        + s.read()
        + "/"
        + total
        + ", selected "
        + s.selected()
        + ", replayed "
        + s.replayed()
        + ", parked "
        + s.parked()
        + ", skipped "
        + s.skippedTotal();
  }
}
