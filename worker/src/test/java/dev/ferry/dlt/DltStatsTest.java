package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.FirstOrigin;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DltStatsTest {
  private static ConsumerRecord<byte[], byte[]> letter(
      long offset, String reason, long originOffset, int replays) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>("events.dlt", 0, offset, null, "v".getBytes(UTF_8));
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_PARTITION, "0".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(offset + 100).getBytes(UTF_8))
        .add(DeadLetterHeaders.REASON, reason.getBytes(UTF_8))
        .add(DeadLetterHeaders.STAGE, "sink".getBytes(UTF_8))
        .add(DeadLetterHeaders.PIPELINE, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.FAILED_AT, "2026-11-25T10:00:00Z".getBytes(UTF_8))
        .add(DeadLetterHeaders.REPLAY_COUNT, Integer.toString(replays).getBytes(UTF_8))
        .add(FirstOrigin.DLT_TOPIC, "events".getBytes(UTF_8))
        .add(FirstOrigin.DLT_PARTITION, "0".getBytes(UTF_8))
        .add(FirstOrigin.DLT_OFFSET, Long.toString(originOffset).getBytes(UTF_8));
    return r;
  }

  private static DltStats stats() {
    DltStats stats = new DltStats(List.of("events.dlt"));
    for (ConsumerRecord<byte[], byte[]> r :
        List.of(
            letter(0, "check-violation", 1, 0),
            letter(1, "check-violation", 1, 1), // the same original record, failed again
            letter(2, "invalid-json\u001b[2J", 2, 0))) {
      stats.add(r, DeadLetterInfo.of(r));
    }
    return stats;
  }

  @Test
  void everyLineSaysWhatItCounts() {
    DltStats stats = stats();

    assertThat(stats.origins()).hasSize(2);
    assertThat(stats.lines(Optional.of(Set.of(new FirstOrigin("events", 0, 1))), ""))
        .containsExactly(
            "dead letters     3 in events.dlt",
            "reason           check-violation: 2, invalid-json\\x1b[2J: 1",
            "pipeline         events: 3",
            "original topic   events: 3",
            "stage            sink: 3",
            "times replayed   never: 2, once: 1",
            "format           ferry: 3",
            "failed           oldest 2026-11-25T10:00:00Z, newest 2026-11-25T10:00:00Z",
            "original records 2 in events.dlt: 1 already applied by a replay, 1 outstanding");
  }

  @Test
  void withoutPostgresItSaysWhyTheAppliedCountIsUnknown() {
    assertThat(stats().lines(Optional.empty(), "Postgres: connection refused"))
        .last()
        .isEqualTo(
            "original records 2 in events.dlt: unknown how many are applied (Postgres:"
                + " connection refused)");
  }
}
