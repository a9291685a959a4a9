package dev.ferry.config;

import java.time.Duration;

/**
 * Retries of failed writes.
 *
 * @param maxAttempts attempts for failures not known to be transient or permanent
 * @param initialBackoff the first backoff; each later one doubles, with full jitter
 * @param maxBackoff the cap of every backoff
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  @Override
  public String toString() {
    return "retry{max-attempts="
        + maxAttempts
        + ", initial-backoff="
        + Durations.format(initialBackoff)
        + ", max-backoff="
        + Durations.format(maxBackoff)
        + "}";
  }
}
