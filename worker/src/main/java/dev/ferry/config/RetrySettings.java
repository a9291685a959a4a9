package dev.ferry.config;

import java.time.Duration;
import java.util.Map;

/**
 * Retries of failed writes.
 *
 * @param maxAttempts attempts for failures not known to be transient or permanent
 * @param initialBackoff the first backoff; each later one doubles, with full jitter
 * @param maxBackoff the cap of every backoff
 * @param later how records refused for a reason that may go away by itself are written again
 * @param sqlStates the operator's overrides of how SQLSTATEs are judged, by SQLSTATE or class: each
 *     value {@code transient}, {@code retry-later} or {@code permanent}; merged over the defaults
 *     ({@code 23503: retry-later})
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Later later,
    Map<String, String> sqlStates) {

  /** The labels a {@code retry.sqlstates} entry may have. */
  public static final java.util.List<String> SQLSTATE_KINDS =
      java.util.List.of("transient", "retry-later", "permanent");

  /**
   * Retry later: a record refused with a retry-later SQLSTATE waits, and the later records of its
   * key wait behind it, while it is written again after delays that double from {@code firstDelay}
   * up to {@code maxDelay}; once {@code horizon} has passed since its first refusal, it is
   * dead-lettered.
   *
   * @param maxRecords the records (waiting ones and the ones behind them) a worker keeps waiting at
   *     most; a record refused when as many wait is dead-lettered at once
   */
  public record Later(Duration horizon, Duration firstDelay, Duration maxDelay, int maxRecords) {
    public static final Later DEFAULT =
        new Later(Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30), 10_000);

    /** The delay before attempt {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
      Duration d = firstDelay;
      for (int i = 1; i < retry && d.compareTo(maxDelay) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    @Override
    public String toString() {
      return "later{horizon="
          + Durations.format(horizon)
          + ", first-delay="
          + Durations.format(firstDelay)
          + ", max-delay="
          + Durations.format(maxDelay)
          + ", max-records="
          + maxRecords
          + "}";
    }
  }

  public RetrySettings {
    sqlStates = Map.copyOf(sqlStates);
  }

  /** Retries with the default retry-later settings and no SQLSTATE overrides. */
  public RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    this(maxAttempts, initialBackoff, maxBackoff, Later.DEFAULT, Map.of());
  }

  @Override
  public String toString() {
    return "retry{max-attempts="
        + maxAttempts
        + ", initial-backoff="
        + Durations.format(initialBackoff)
        + ", max-backoff="
        + Durations.format(maxBackoff)
        + ", "
        + later
        + (sqlStates.isEmpty() ? "" : ", sqlstates=" + new java.util.TreeMap<>(sqlStates))
        + "}";
  }
}
