package dev.ferry.errors;

import java.time.Clock;
import java.time.Duration;

/**
 * Rate-limits a repeating warning, such as one per retry of a failing send: the first occurrence is
 * logged, then at most one line per {@code interval}, which says how many occurrences it stands
 * for. After {@link #reset} (the retried operation succeeded) the next occurrence is a first one
 * again. Thread-safe; time comes from the injected clock.
 *
 * <pre>{@code
 * long count = throttle.occurred();
 * if (count > 0) log.warn("sending failed ({} times since the last warning): {}", count, error);
 * }</pre>
 */
public final class WarnThrottle {
  private final Clock clock;
  private final long intervalMillis;
  private long lastLoggedAt;
  private long pending;
  private boolean active;

  public WarnThrottle(Clock clock, Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /**
   * Counts one occurrence.
   *
   * @return 0 when it must not be logged; otherwise how many occurrences the line to log now stands
   *     for: 1 for the first, else all occurrences since the last logged line, this one included
   */
  public synchronized long occurred() {
    long now = clock.millis();
    pending++;
    if (active && now - lastLoggedAt < intervalMillis) {
      return 0;
    }
    active = true;
    lastLoggedAt = now;
    long count = pending;
    pending = 0;
    return count;
  }

  /**
   * Ends the current run of occurrences (the operation succeeded).
   *
   * @return how many occurrences were counted but not logged since the last logged line, for a
   *     closing summary; 0 if none
   */
  public synchronized long reset() {
    long unlogged = pending;
    pending = 0;
    active = false;
    return unlogged;
  }
}
