package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WarnThrottleTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

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
  private final WarnThrottle throttle = new WarnThrottle(clock, Duration.ofSeconds(30));

  @Test
  void theFirstIsLoggedThenOneSummaryPerIntervalWithItsCount() {
    assertThat(throttle.occurred()).isEqualTo(1);
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofSeconds(3));
      assertThat(throttle.occurred()).isZero();
    }
    clock.advance(Duration.ofSeconds(3)); // 30 s after the first line
    assertThat(throttle.occurred()).isEqualTo(10);
    clock.advance(Duration.ofSeconds(29));
    assertThat(throttle.occurred()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.occurred()).isEqualTo(2);
  }

  @Test
  void aResetReportsWhatWasNotLoggedAndStartsAFreshRun() {
    assertThat(throttle.occurred()).isEqualTo(1);
    throttle.occurred();
    throttle.occurred();
    assertThat(throttle.reset()).isEqualTo(2);
    assertThat(throttle.reset()).isZero();
    assertThat(throttle.occurred()).as("first of a new run").isEqualTo(1);
  }

  @Test
  void aRareWarningIsAlwaysLogged() {
    assertThat(throttle.occurred()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(throttle.occurred()).isEqualTo(1);
  }

  @Test
  void aZeroIntervalLogsEveryOne() {
    WarnThrottle every = new WarnThrottle(clock, Duration.ZERO);
    assertThat(every.occurred()).isEqualTo(1);
    assertThat(every.occurred()).isEqualTo(1);
  }
}
