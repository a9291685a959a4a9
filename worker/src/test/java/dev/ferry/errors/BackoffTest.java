package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new SplittableRandom(7));

  @Test
  void ceilingDoublesFromTheInitialBackoffUpToTheCap() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.ceiling(9)).isEqualTo(Duration.ofMillis(25_600));
    assertThat(backoff.ceiling(10)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void delayIsJitteredWithinTheCeiling() {
    for (int attempt = 1; attempt < 50; attempt++) {
      Duration d = backoff.delay(attempt);
      assertThat(d).isBetween(Duration.ZERO, backoff.ceiling(attempt));
    }
    long distinct =
        java.util.stream.IntStream.range(0, 20).mapToObj(i -> backoff.delay(5)).distinct().count();
    assertThat(distinct).isGreaterThan(10);
  }
}
