package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryPlanTest {
  private static final long MIB = 1024 * 1024;

  @Test
  void aBudgetIsSplitIntoOneFetchAndTheRecordsHeldWithAShareOfThemPerBatch() {
    MemoryPlan plan = MemoryPlan.of(96 * MIB, 8);
    assertThat(plan.fetchMaxBytes()).isEqualTo(12 * MIB);
    assertThat(plan.partitionFetchMaxBytes()).isEqualTo(MIB);
    assertThat(plan.heldBytesLimit()).isEqualTo(84 * MIB);
    assertThat(plan.batchBytesLimit()).isEqualTo(84 * MIB / 8);
    assertThat(plan.fetchMaxBytes() + plan.heldBytesLimit()).isEqualTo(plan.budgetBytes());
  }

  @Test
  void fetchesStayWithinKafkasDefaultsForLargeBudgetsAndAboveAFloorForSmallOnes() {
    assertThat(MemoryPlan.of(4096 * MIB, 8).fetchMaxBytes()).isEqualTo(50 * MIB);
    MemoryPlan small = MemoryPlan.of(MIB, 2);
    assertThat(small.fetchMaxBytes()).isEqualTo(128 * 1024);
    assertThat(small.partitionFetchMaxBytes()).isEqualTo(128 * 1024);
    assertThat(small.heldBytesLimit()).isEqualTo(MIB - 128 * 1024);
  }
}
