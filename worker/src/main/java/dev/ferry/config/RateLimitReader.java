package dev.ferry.config;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Reads a pipeline's optional {@code rate-limit} section: {@code records-per-second} (a positive
 * number) and {@code max-transactions} (a whole number ≥ 1), each unlimited when absent.
 */
final class RateLimitReader {
  private RateLimitReader() {}

  static RateLimit read(Section pipeline) {
    Section s = pipeline.section("rate-limit");
    OptionalDouble records = OptionalDouble.empty();
    java.util.Optional<String> text = s.optionalString("records-per-second");
    if (text.isPresent()) {
      double r = parse(text.get().trim());
      if (r > 0 && r <= RateLimit.MAX_RECORDS_PER_SECOND) {
        records = OptionalDouble.of(r);
      } else {
        s.problem(
            s.key("records-per-second"),
            "must be a number above 0 and at most 1e9 (fractions allowed), was '"
                + text.get().trim()
                + "'");
      }
    }
    OptionalInt transactions = OptionalInt.empty();
    if (s.optionalString("max-transactions").isPresent()) {
      transactions = OptionalInt.of(s.integer("max-transactions", 1, 1, Integer.MAX_VALUE));
    }
    s.rejectUnknownKeys();
    if (!RateLimit.problems(records, transactions).isEmpty()) {
      return RateLimit.UNLIMITED; // reported above, by key
    }
    return new RateLimit(records, transactions);
  }

  /** The number in {@code text}; NaN when it is none. */
  private static double parse(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
