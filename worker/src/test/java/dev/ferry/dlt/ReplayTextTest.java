package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReplayTextTest {
  private static Replayer.Summary summary() {
    Map<String, Long> skipped = new LinkedHashMap<>();
    skipped.put(ReplayPlan.SUPERSEDED, 2L);
    skipped.put("no original topic in the headers", 1L);
    return new Replayer.Summary(10, 8, 4, 1, skipped);
  }

  @Test
  void aRunEndsWithItsCountsAndEachSkipReason() {
    assertThat(ReplayText.summary(summary(), false))
        .containsExactly(
            "read       10",
            "selected   8",
            "replayed   4",
            "parked     1 (sent to DLT.parked: replayed --max-replays times)",
            "skipped    3",
            "  2: " + ReplayPlan.SUPERSEDED,
            "  1: no original topic in the headers");
  }

  @Test
  void aDryRunSaysWhatWouldBeDone() {
    assertThat(ReplayText.summary(summary(), true))
        .contains(
            "replayed   4 (would be)",
            "parked     1 (would be sent to DLT.parked: replayed --max-replays times)");
    assertThat(ReplayText.summary(new Replayer.Summary(1, 1, 1, 0, Map.of()), true))
        .contains("parked     0", "skipped    0");

    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>("events.dlt", 0, 3, null, "v".getBytes(UTF_8));
    DeadLetterInfo info = DeadLetterInfo.of(r);
    assertThat(ReplayText.dryRunLine(r, info, "replay to events"))
        .startsWith("events.dlt-0@3 ")
        .endsWith("  -> would replay to events");
    assertThat(ReplayText.dryRunLine(r, info, "skip: superseded"))
        .endsWith("  -> skip: superseded");
  }

  @Test
  void theFirstLineNamesTheRunAndEscapesTheFilter() {
    DltFilter filter =
        DltFilter.parse("bad\u001b[2J", null, null, null, null, null, Clock.systemUTC());
    ReplayRequest request =
        new ReplayRequest(List.of("a.dlt", "b.dlt"), "original", "reason=x", true);

    assertThat(ReplayText.header("r1", true, request, 12, filter))
        .isEqualTo(
            "replay r1 (dry run: nothing is written): a.dlt, b.dlt (12 records now), filter:"
                + " reason=bad\\x1b[2J, target: original, reapplying applied records");
    assertThat(ReplayText.header("r2", false, request, 0, DltFilter.ALL))
        .startsWith("replay r2: a.dlt, b.dlt (0 records now), filter: all, target: original");
  }
}
