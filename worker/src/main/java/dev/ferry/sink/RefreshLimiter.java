package dev.ferry.sink;

import java.time.Clock;

/**
 * A token bucket for the catalog reads of one table: a burst of {@link #BURST} reads, then one per
 * second, so that a flood of records refused for their types costs the catalog at most one query a
 * second per table, while the first refusals after an {@code ALTER} are never turned away.
 * Thread-safe.
 */
final class RefreshLimiter {
  static final int BURST = 5;
  private static final long REFILL_MILLIS = 1000;

  private final Clock clock;
  private double tokens = BURST;
  private long refilledAt;

  RefreshLimiter(Clock clock) {
    this.clock = clock;
    this.refilledAt = clock.millis();
  }

  /** Takes a token: true when a catalog read may go ahead now. */
  synchronized boolean tryAcquire() {
    long now = clock.millis();
    if (now > refilledAt) {
      tokens = Math.min(BURST, tokens + (now - refilledAt) / (double) REFILL_MILLIS);
      refilledAt = now;
    }
    if (tokens < 1) {
      return false;
    }
    tokens--;
    return true;
  }
}
