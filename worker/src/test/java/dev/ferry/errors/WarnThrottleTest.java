package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarnThrottleTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
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
