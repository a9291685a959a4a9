package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A pipeline's rate limit ({@code rate-limit} in the config, or an operator's override kept in
 * {@code ferry.pipeline_rate_limits}); each part is unlimited when empty.
 *
 * @param recordsPerSecond the records of the pipeline handed to the workers per second, per worker
 *     process; a positive number, fractions allowed ({@code 0.5} is one record every two seconds)
 * @param maxTransactions the batches of the pipeline processed (and so the transactions writing its
 *     rows) at once in a worker process; at least 1
 */
public record RateLimit(OptionalDouble recordsPerSecond, OptionalInt maxTransactions) {
  /** The largest records-per-second accepted: above it the limit would be no limit. */
  public static final double MAX_RECORDS_PER_SECOND = 1_000_000_000;

  /** No limit at all. */
  public static final RateLimit UNLIMITED =
      new RateLimit(OptionalDouble.empty(), OptionalInt.empty());

  /**
   * @throws IllegalArgumentException when a part is out of range ({@link #problems} says why)
   */
  public RateLimit {
    List<String> problems = problems(recordsPerSecond, maxTransactions);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** What is wrong with these parts, each naming its key; empty when they make a limit. */
  public static List<String> problems(
      OptionalDouble recordsPerSecond, OptionalInt maxTransactions) {
    List<String> problems = new ArrayList<>();
    if (recordsPerSecond.isPresent()) {
      double r = recordsPerSecond.getAsDouble();
      if (!(r > 0 && r <= MAX_RECORDS_PER_SECOND)) {
        problems.add(
            "records-per-second must be a number above 0 and at most 1e9, was " + format(r));
      }
    }
    if (maxTransactions.isPresent() && maxTransactions.getAsInt() < 1) {
      problems.add("max-transactions must be ≥ 1, was " + maxTransactions.getAsInt());
    }
    return problems;
  }

  public boolean isUnlimited() {
    return recordsPerSecond.isEmpty() && maxTransactions.isEmpty();
  }

  /** For logs and the CLI: {@code 100 records/s, 2 transactions at once}, or {@code unlimited}. */
  public String describe() {
    if (isUnlimited()) {
      return "unlimited";
    }
    return (recordsPerSecond.isPresent()
            ? format(recordsPerSecond.getAsDouble()) + " records/s"
            : "unlimited records/s")
        + ", "
        + (maxTransactions.isPresent()
            ? maxTransactions.getAsInt()
                + " transaction"
                + (maxTransactions.getAsInt() == 1 ? "" : "s")
            : "unlimited transactions")
        + " at once";
  }

  /** As JSON: {@code {"records-per-second":100,"max-transactions":null}} (null: unlimited). */
  public String json() {
    return "{\"records-per-second\":"
        + (recordsPerSecond.isPresent() ? format(recordsPerSecond.getAsDouble()) : "null")
        + ",\"max-transactions\":"
        + (maxTransactions.isPresent() ? Integer.toString(maxTransactions.getAsInt()) : "null")
        + "}";
  }

  /** {@code 100} for a whole number, {@code 0.5} otherwise. */
  public static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
