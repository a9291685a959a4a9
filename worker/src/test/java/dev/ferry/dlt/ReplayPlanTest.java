package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.FirstOrigin;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
  private static final FirstOrigin ORIGIN = new FirstOrigin("events", 0, 5);

  /** A Ferry dead letter at {@code dltOffset}, first read at {@link #ORIGIN}. */
  private static ConsumerRecord<byte[], byte[]> letter(
      long dltOffset, long originalOffset, int replays, boolean withOrigin) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>("events.dlt", 0, dltOffset, "k".getBytes(UTF_8), "v".getBytes(UTF_8));
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_PARTITION, "0".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(originalOffset).getBytes(UTF_8))
        .add(DeadLetterHeaders.REPLAY_COUNT, Integer.toString(replays).getBytes(UTF_8))
        .add(DeadLetterHeaders.FAILED_AT, ("2026-11-25T10:0" + replays + ":00Z").getBytes(UTF_8));
    if (withOrigin) {
      r.headers()
          .add(FirstOrigin.DLT_TOPIC, "events".getBytes(UTF_8))
          .add(FirstOrigin.DLT_PARTITION, "0".getBytes(UTF_8))
          .add(FirstOrigin.DLT_OFFSET, "5".getBytes(UTF_8));
    }
    return r;
  }

  @Test
  void aDeadLetterAndItsRefailedCopyAreOneOriginalRecordAndTheNewestIsReplayed() {
    ConsumerRecord<byte[], byte[]> first = letter(0, 5, 0, true);
    ConsumerRecord<byte[], byte[]> refailed = letter(1, 9, 1, true);
    ReplayPlan.Builder builder = new ReplayPlan.Builder();
    builder.add(first, DeadLetterInfo.of(first));
    builder.add(refailed, DeadLetterInfo.of(refailed));
    assertThat(builder.origins()).containsExactly(ORIGIN);

    ReplayPlan plan = builder.build(Set.of());

    assertThat(plan.skip(first, DeadLetterInfo.of(first), false)).contains(ReplayPlan.SUPERSEDED);
    assertThat(plan.skip(refailed, DeadLetterInfo.of(refailed), false)).isEmpty();
  }

  @Test
  void anAppliedOriginalRecordIsSkippedUnlessReapplied() {
    ConsumerRecord<byte[], byte[]> first = letter(0, 5, 0, true);
    ReplayPlan.Builder builder = new ReplayPlan.Builder();
    builder.add(first, DeadLetterInfo.of(first));

    ReplayPlan plan = builder.build(Set.of(ORIGIN));

    assertThat(plan.skip(first, DeadLetterInfo.of(first), false))
        .contains(ReplayPlan.ALREADY_APPLIED);
    assertThat(plan.skip(first, DeadLetterInfo.of(first), true)).isEmpty();
    assertThat(plan.appliedCount()).isEqualTo(1);
  }

  @Test
  void aDeadLetterWithoutOriginHeadersStandsForTheRecordWhereItFailed() {
    ConsumerRecord<byte[], byte[]> old = letter(0, 5, 0, false);

    assertThat(DeadLetterInfo.of(old).firstOrigin()).contains(ORIGIN);
    assertThat(ReplayPlan.NONE.skip(old, DeadLetterInfo.of(old), false)).isEmpty();
    ConsumerRecord<byte[], byte[]> none =
        new ConsumerRecord<>("x.dlt", 0, 0, null, "v".getBytes(UTF_8));
    assertThat(DeadLetterInfo.of(none).firstOrigin()).isEqualTo(Optional.empty());
  }
}
