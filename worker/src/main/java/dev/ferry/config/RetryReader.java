package dev.ferry.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the {@code retry} section: attempts and the backoff range of retried writes, retry later,
 * and the SQLSTATE overrides.
 */
final class RetryReader {
  private static final Pattern SQLSTATE_KEY = Pattern.compile("[0-9A-Z]{2}|[0-9A-Z]{5}");

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
    RetrySettings.Later later = readLater(s.section("later"));
    Map<String, String> sqlStates = readSqlStates(s);
    s.rejectUnknownKeys();
    return new RetrySettings(attempts, initial, max, later, sqlStates);
  }

  private static RetrySettings.Later readLater(Section s) {
    RetrySettings.Later d = RetrySettings.Later.DEFAULT;
    Duration horizon = s.duration("horizon", d.horizon(), Duration.ZERO);
    Duration first = s.duration("first-delay", d.firstDelay(), Duration.ofMillis(10));
    Duration max = s.duration("max-delay", d.maxDelay(), Duration.ofMillis(10));
    int maxRecords = s.integer("max-records", d.maxRecords(), 1, 10_000_000);
    if (max.compareTo(first) < 0) {
      s.problem(
          s.key("max-delay"),
          "must be ≥ retry.later.first-delay ("
              + Durations.format(first)
              + "), was "
              + Durations.format(max));
    }
    s.rejectUnknownKeys();
    return new RetrySettings.Later(horizon, first, max, maxRecords);
  }

  /** {@code retry.sqlstates}: SQLSTATE or class → transient, retry-later or permanent. */
  private static Map<String, String> readSqlStates(Section s) {
    Map<String, String> out = new LinkedHashMap<>();
    s.stringMap("sqlstates")
        .forEach(
            (key, value) -> {
              String state = key.trim().toUpperCase(Locale.ROOT);
              String kind = value.trim().toLowerCase(Locale.ROOT);
              if (!SQLSTATE_KEY.matcher(state).matches()) {
                s.problem(
                    s.key("sqlstates") + "." + key,
                    "is not a SQLSTATE (5 letters or digits, e.g. 23503) or a class of them (2,"
                        + " e.g. 23)");
              } else if (!RetrySettings.SQLSTATE_KINDS.contains(kind)) {
                s.problem(
                    s.key("sqlstates") + "." + key,
                    "must be one of " + RetrySettings.SQLSTATE_KINDS + ", was '" + value + "'");
              } else {
                out.put(state, kind);
              }
            });
    return out;
  }
}
