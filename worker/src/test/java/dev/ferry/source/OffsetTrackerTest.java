package dev.ferry.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void nothingToCommitBeforeAnythingWasDispatched() {
    assertThat(tracker.watermark()).isEmpty();
    assertThat(tracker.toCommit()).isEmpty();
  }

  @Test
  void watermarkStopsAtTheLowestIncompleteOffset() {
    for (long o = 10; o < 15; o++) {
      tracker.dispatched(o);
    }
    tracker.completed(11);
    tracker.completed(12);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(10));

    tracker.completed(10);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(13));

    tracker.completed(14);
    tracker.completed(13);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(15));
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void anIdlePartitionsWatermarkFollowsTheConsumerPastCommitMarkers() {
    tracker.dispatched(4);
    tracker.positionAt(6); // 5 is a transaction's commit marker; 4 is still pending
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(4));

    tracker.completed(4);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(5));
    tracker.positionAt(6);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(6));
    tracker.positionAt(3); // a position behind the watermark never moves it back
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(6));
    tracker.dispatched(7);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(7));
  }

  @Test
  void gapsInOffsetsDoNotHoldTheWatermark() {
    tracker.dispatched(3);
    tracker.dispatched(7);
    tracker.completed(3);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(7));
    tracker.completed(7);
    assertThat(tracker.watermark()).isEqualTo(OptionalLong.of(8));
  }

  @Test
  void toCommitOnlyReportsProgressPastTheLastCommit() {
    tracker.dispatched(0);
    tracker.completed(0);
    assertThat(tracker.toCommit()).isEqualTo(OptionalLong.of(1));
    tracker.committed(1);
    assertThat(tracker.toCommit()).isEmpty();
    tracker.dispatched(1);
    assertThat(tracker.toCommit()).isEmpty();
    tracker.completed(1);
    assertThat(tracker.toCommit()).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void offsetsMustIncrease() {
    tracker.dispatched(5);
    assertThatThrownBy(() -> tracker.dispatched(5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retiredPartitionIgnoresCompletions() {
    PartitionState state = new PartitionState(new org.apache.kafka.common.TopicPartition("t", 0));
    state.offsets().dispatched(0);
    state.retire();
    state.complete(0);
    assertThat(state.offsets().watermark()).isEqualTo(OptionalLong.of(0));
  }

  @Test
  void skipSetOfAReassignedPartitionAnswersEachOffsetOnce() {
    PartitionState state = new PartitionState(new org.apache.kafka.common.TopicPartition("t", 0));
    assertThat(state.isClaimed()).isFalse();
    state.claimed(new PartitionClaim(4, java.util.Set.of(5L, 7L)));

    assertThat(state.isClaimed()).isTrue();
    assertThat(state.epoch()).isEqualTo(4);
    assertThat(state.takeAlreadyApplied(5)).isTrue();
    assertThat(state.takeAlreadyApplied(5)).isFalse();
    assertThat(state.takeAlreadyApplied(6)).isFalse();
    assertThat(state.takeAlreadyApplied(7)).isTrue();
  }

  @Test
  void fencingRetiresThePartition() {
    PartitionState state = new PartitionState(new org.apache.kafka.common.TopicPartition("t", 0));
    state.offsets().dispatched(0);
    state.fence();
    assertThat(state.isFenced()).isTrue();
    assertThat(state.isRetired()).isTrue();
    state.complete(0);
    assertThat(state.offsets().pendingCount()).isEqualTo(1);
  }
}
