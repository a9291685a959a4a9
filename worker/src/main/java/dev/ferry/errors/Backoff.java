package dev.ferry.errors;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt {@code n} (from 1) waits a uniformly random time in
 * {@code [0, min(max, initial * 2^(n-1))]}. Jitter keeps many workers from retrying in lockstep
 * against a database that is just coming back.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The upper bound of the wait before retry {@code attempt}. */
  public Duration ceiling(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 40);
    long nanos = initial.toNanos();
    long capped = nanos > (max.toNanos() >> doublings) ? max.toNanos() : nanos << doublings;
    return Duration.ofNanos(Math.min(capped, max.toNanos()));
  }

  /** A jittered wait before retry {@code attempt}. */
  public Duration delay(int attempt) {
    long bound = ceiling(attempt).toNanos();
    return Duration.ofNanos(bound == 0 ? 0 : random.nextLong(bound + 1));
  }
}
