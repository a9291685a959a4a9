package dev.ferry.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.DeadLetterSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLetterBreakerTest {
  private final List<String> halts = new ArrayList<>();

  private DeadLetterBreaker breaker(boolean enabled, int window, double share, int consecutive) {
    return new DeadLetterBreaker(
        new DeadLetterSettings.Breaker(enabled, window, share, consecutive),
        (pipeline, why) -> halts.add(pipeline + ": " + why));
  }

  @Test
  void aRunOfDeadLettersHaltsThePipelineOnce() {
    DeadLetterBreaker b = breaker(true, 100, 0.9, 5);
    for (int i = 0; i < 4; i++) {
      assertThat(b.recordDeadLettered("p")).isFalse();
    }
    assertThat(b.recordDeadLettered("p")).isTrue();
    assertThat(b.recordDeadLettered("p")).isTrue();
    assertThat(halts)
        .containsExactly("p: 5 records in a row were dead-lettered (max-consecutive 5)");
    assertThat(b.isHalted("other")).isFalse();
  }

  @Test
  void aGoodRecordEndsTheRun() {
    DeadLetterBreaker b = breaker(true, 100, 0.9, 3);
    b.recordDeadLettered("p");
    b.recordDeadLettered("p");
    b.recordApplied("p", 1);
    b.recordDeadLettered("p");
    b.recordDeadLettered("p");
    assertThat(b.isHalted("p")).isFalse();
  }

  @Test
  void aShareAboveTheLimitOfAFullWindowHalts() {
    DeadLetterBreaker b = breaker(true, 10, 0.5, 1000);
    for (int i = 0; i < 5; i++) {
      b.recordApplied("p", 1);
      b.recordDeadLettered("p");
    }
    assertThat(b.isHalted("p")).as("exactly half is not above half").isFalse();
    b.recordDeadLettered("p"); // the window now holds 4 good, 6 bad
    assertThat(b.isHalted("p")).isTrue();
    assertThat(halts.get(0)).contains("6 of the last 10 records were dead-lettered");
  }

  @Test
  void theShareIsOnlyJudgedOnAFullWindow() {
    DeadLetterBreaker b = breaker(true, 10, 0.1, 1000);
    b.recordDeadLettered("p");
    b.recordDeadLettered("p");
    assertThat(b.isHalted("p")).isFalse();
  }

  @Test
  void resumeLiftsTheHaltAndStartsAfresh() {
    DeadLetterBreaker b = breaker(true, 100, 0.9, 2);
    b.recordDeadLettered("p");
    b.recordDeadLettered("p");
    assertThat(b.resume("p")).isTrue();
    assertThat(b.resume("p")).isFalse();
    assertThat(b.recordDeadLettered("p")).isFalse();
  }

  @Test
  void aDisabledBreakerNeverHalts() {
    DeadLetterBreaker b = breaker(false, 10, 0.1, 1);
    for (int i = 0; i < 50; i++) {
      assertThat(b.recordDeadLettered("p")).isFalse();
    }
    assertThat(halts).isEmpty();
  }
}
