package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RewindPlanTest {
  private static final TopicPartition A0 = new TopicPartition("a", 0);
  private static final TopicPartition A1 = new TopicPartition("a", 1);
  private static final TopicPartition B0 = new TopicPartition("b", 0);

  @Test
  void backwardsMovesReapplyTheRecordsBetweenTheNewAndTheCommittedOffset() {
    RewindPlan plan =
        new RewindPlan(
            List.of(
                new RewindPlan.Move(A1, OptionalLong.of(10), 6),
                new RewindPlan.Move(A0, OptionalLong.of(10), 0)));

    assertThat(plan.reapplied()).isEqualTo(14);
    assertThat(plan.targets()).containsExactly(Map.entry(A0, 0L), Map.entry(A1, 6L));
    assertThat(plan.lines())
        .containsExactly(
            "  a-0  10 -> 0  re-applies 10 records",
            "  a-1  10 -> 6  re-applies 4 records",
            "  total: 14 records applied again");
  }

  @Test
  void forwardMovesSkipAndPartitionsWithoutACommitReapplyNothing() {
    RewindPlan plan =
        new RewindPlan(
            List.of(
                new RewindPlan.Move(B0, OptionalLong.of(3), 8),
                new RewindPlan.Move(A0, OptionalLong.empty(), 5)));

    assertThat(plan.reapplied()).isZero();
    assertThat(plan.moves().get(1).skipped()).isEqualTo(5);
    assertThat(plan.lines())
        .containsExactly(
            "  a-0  none -> 5  re-applies 0 records",
            "  b-0  3 -> 8  skips 5 records",
            "  total: 0 records applied again");
    assertThat(plan.json())
        .isEqualTo(
            "[{\"topic\":\"a\",\"partition\":0,\"committed\":null,\"new\":5,\"records\":0},"
                + "{\"topic\":\"b\",\"partition\":0,\"committed\":3,\"new\":8,\"records\":0}]");
  }

  @Test
  void explicitOffsetsAreParsedPerPartition() {
    List<String> problems = new ArrayList<>();

    Map<TopicPartition, Long> offsets = RewindPlan.parseOffsets("a:0=5, a:1=7,b.c-d:2=0", problems);

    assertThat(problems).isEmpty();
    assertThat(offsets)
        .containsExactly(
            Map.entry(A0, 5L), Map.entry(A1, 7L), Map.entry(new TopicPartition("b.c-d", 2), 0L));
  }

  @Test
  void everyBadOffsetItemIsReported() {
    List<String> problems = new ArrayList<>();

    RewindPlan.parseOffsets("a=5,a:x=1,a:0=-1,a:1=2,a:1=3,", problems);

    assertThat(problems)
        .containsExactly(
            "--to-offsets: 'a=5' is not TOPIC:PARTITION=OFFSET",
            "--to-offsets: 'a:x=1' is not TOPIC:PARTITION=OFFSET",
            "--to-offsets: 'a:0=-1' has a negative partition or offset",
            "--to-offsets: a-1 is given twice",
            "--to-offsets: '' is not TOPIC:PARTITION=OFFSET");
  }
}
