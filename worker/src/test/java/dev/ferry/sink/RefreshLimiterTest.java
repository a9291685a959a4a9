package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The catalog reads a flood of refused records may cause: a burst, then one a second. */
class RefreshLimiterTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T12:00:00Z"));
  private final RefreshLimiter limiter = new RefreshLimiter(clock);

  @Test
  void aBurstGoesThroughThenOneReadASecond() {
    for (int i = 0; i < RefreshLimiter.BURST; i++) {
      assertThat(limiter.tryAcquire()).as("read %d of the burst", i + 1).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();

    clock.advance(Duration.ofMillis(999));
    assertThat(limiter.tryAcquire()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();

    clock.advance(Duration.ofSeconds(3));
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
  }

  @Test
  void aQuietTableEarnsNoMoreThanOneBurst() {
    clock.advance(Duration.ofHours(1));
    int granted = 0;
    while (limiter.tryAcquire()) {
      granted++;
    }
    assertThat(granted).isEqualTo(RefreshLimiter.BURST);
  }
}
