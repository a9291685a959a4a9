package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The catalog reads a flood of refused records may cause: a burst, then one a second. */
class RefreshLimiterTest {
  /** A clock that moves only when told. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
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
