package dev.ferry.config;

import java.time.Duration;

/** Reads the {@code retry} section: attempts and the backoff range of retried writes. */
final class RetryReader {
  private RetryReader() {}

  static RetrySettings read(Section s) {
    int attempts = s.integer("max-attempts", 5, 1, 1000);
    Duration initial = s.duration("initial-backoff", Duration.ofMillis(100), Duration.ofMillis(1));
    Duration max = s.duration("max-backoff", Duration.ofSeconds(30), Duration.ofMillis(1));
    if (max.compareTo(initial) < 0) {
      s.problem(
          s.key("max-backoff"),
          "must be ≥ retry.initial-backoff ("
              + Durations.format(initial)
              + "), was "
              + Durations.format(max));
    }
    s.rejectUnknownKeys();
    return new RetrySettings(attempts, initial, max);
  }
}
