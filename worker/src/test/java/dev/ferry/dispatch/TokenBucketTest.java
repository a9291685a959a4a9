package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The records-per-second bucket on a manual clock: burst, refill, hold-back and rate changes. */
class TokenBucketTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T04:00:00Z"));
  private final TokenBucket bucket = new TokenBucket(clock);

  /** Takes as many records as the bucket lets go now, as the poll loop does. */
  private int drain() {
    int taken = 0;
    while (bucket.mayTake()) {
      bucket.take();
      taken++;
      if (taken > 1_000_000) {
        throw new AssertionError("unlimited");
      }
    }
    return taken;
  }

  @Test
  void unlimitedUntilARateIsSet() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(bucket.mayTake()).isTrue();
      bucket.take();
    }
    assertThat(bucket.holdsBack()).isFalse();
    assertThat(bucket.rate()).isEmpty();
    assertThat(bucket.throttledSeconds()).isZero();
  }

  @Test
  void aFirstRateStartsWithOneSecondsWorthThenRefillsAtTheRate() {
    bucket.setRate(OptionalDouble.of(100));

    assertThat(drain()).isEqualTo(100); // the burst: one second's worth
    clock.advance(Duration.ofMillis(10));
    assertThat(drain()).isEqualTo(1);
    clock.advance(Duration.ofMillis(250));
    assertThat(drain()).isEqualTo(25);
  }

  @Test
  void overAMinuteOfSteadyDemandTheCountIsTheRateTimesTheTimePlusAtMostTheBurst() {
    bucket.setRate(OptionalDouble.of(100));
    long taken = 0;
    for (int ms = 0; ms < 60_000; ms += 7) { // an uneven poll cadence
      taken += drain();
      clock.advance(Duration.ofMillis(7));
    }
    assertThat(taken).isBetween(6_000L, 6_100L);
  }

  @Test
  void aRefusalHoldsThePipelineBackUntilHalfTheBucketIsBack() {
    bucket.setRate(OptionalDouble.of(100));
    drain();
    assertThat(bucket.holdsBack()).isTrue(); // refused once: throttled

    clock.advance(Duration.ofMillis(490));
    assertThat(bucket.holdsBack()).isTrue(); // 49 tokens
    clock.advance(Duration.ofMillis(10));
    assertThat(bucket.holdsBack()).isFalse(); // 50: half the bucket
    assertThat(bucket.throttledSeconds()).isEqualTo(0.5);

    assertThat(drain()).isEqualTo(50);
    clock.advance(Duration.ofMillis(200));
    assertThat(bucket.throttledSeconds()).isEqualTo(0.7); // the current stretch counts
  }

  @Test
  void aSlowRateHasABurstOfOneRecord() {
    bucket.setRate(OptionalDouble.of(0.5));

    assertThat(drain()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1_999));
    assertThat(bucket.holdsBack()).isTrue();
    assertThat(drain()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(bucket.holdsBack()).isFalse();
    assertThat(drain()).isEqualTo(1);
  }

  @Test
  void aLowerRateKeepsAtMostItsSecondsWorthAndAHigherOneRefillsFaster() {
    bucket.setRate(OptionalDouble.of(1_000));
    bucket.setRate(OptionalDouble.of(10));
    assertThat(drain()).isEqualTo(10);

    bucket.setRate(OptionalDouble.of(300));
    clock.advance(Duration.ofMillis(100));
    assertThat(drain()).isEqualTo(30);
    assertThat(bucket.rate()).hasValue(300.0);
  }

  @Test
  void clearingTheRateLetsEverythingGoAndEndsTheHoldBack() {
    bucket.setRate(OptionalDouble.of(5));
    drain();
    assertThat(bucket.holdsBack()).isTrue();
    clock.advance(Duration.ofMillis(100));

    bucket.setRate(OptionalDouble.empty());

    assertThat(bucket.holdsBack()).isFalse();
    assertThat(bucket.mayTake()).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(bucket.throttledSeconds()).isEqualTo(0.1);
  }

  @Test
  void aRateMustBePositive() {
    assertThatThrownBy(() -> bucket.setRate(OptionalDouble.of(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
