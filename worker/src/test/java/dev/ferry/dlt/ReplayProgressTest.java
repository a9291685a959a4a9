package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {
  @Test
  void withoutATerminalALineIsPrintedAtMostEveryTwoSecondsOfTheClock() {
    StringWriter err = new StringWriter();
    SteppingClock clock =
        new SteppingClock(Instant.parse("2026-11-25T12:00:00Z"), Duration.ofMillis(700));
    ReplayProgress progress = new ReplayProgress(new PrintWriter(err), "r1", 10, false, clock);

    for (int read = 1; read <= 5; read++) {
      progress.update(new Replayer.Summary(read, read, read, 0, Map.of()));
    }
    progress.done();

    // Read at 0 ms, 700, 1400, 2100, 2800: lines at 0 and 2100.
    assertThat(err.toString().split("\\R"))
        .containsExactly(
            "replay r1: read 1/10, selected 1, replayed 1, parked 0, skipped 0",
            "replay r1: read 4/10, selected 4, replayed 4, parked 0, skipped 0");
  }
}
