package dev.ferry.dlt;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a replay on standard error: a bar redrawn in place on a terminal, a line every two
 * seconds otherwise.
 */
public final class ReplayProgress {
  private final PrintWriter err;
  private final String name;
  private final long total;
  private final boolean terminal = System.console() != null;
  private long lastLine;
  private Replayer.Summary last;

  public ReplayProgress(PrintWriter err, String name, long total) {
    this.err = err;
    this.name = name;
    this.total = Math.max(total, 1);
  }

  public void update(Replayer.Summary s) {
    last = s;
    long now = System.nanoTime();
    if (terminal) {
      int width = 30;
      int filled = (int) Math.min(width, s.read() * width / total);
      err.printf(
          "\r[%s%s] %3d%% %s",
          "#".repeat(filled), " ".repeat(width - filled), s.read() * 100 / total, counts(s));
      err.flush();
    } else if (now - lastLine > TimeUnit.SECONDS.toNanos(2)) {
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
