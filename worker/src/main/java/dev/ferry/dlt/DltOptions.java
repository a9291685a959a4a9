package dev.ferry.dlt;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks of the {@code ferry dlt} options beside the filter's ({@link DltFilter#parse}), each
 * adding to a list so that the command reports every problem at once. Pure.
 */
public final class DltOptions {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private DltOptions() {}

  /** {@code dlt list}: {@code --limit}, {@code --format}. */
  public static void list(int limit, String format, List<String> problems) {
    if (!format.equals("table") && !format.equals("json")) {
      problems.add("--format must be table or json, was '" + Printable.escape(format) + "'");
    }
    if (limit < 1) {
      problems.add("--limit must be 1 or more, was " + limit);
    }
  }

  /**
   * {@code dlt replay}: {@code --rate}, {@code --max-replays}, {@code --name}, {@code --continue}.
   */
  public static void replay(
      double rate, int maxReplays, String name, boolean continueCompleted, List<String> problems) {
    if (rate < 0 || Double.isNaN(rate)) {
      problems.add("--rate must be 0 (no limit) or more, was " + rate);
    }
    if (maxReplays < 1) {
      problems.add("--max-replays must be 1 or more, was " + maxReplays);
    }
    if (name != null && !NAME.matcher(name).matches()) {
      problems.add(
          "--name may hold letters, digits, '.', '_' and '-' only, was '"
              + Printable.escape(name)
              + "'");
    }
    if (continueCompleted && name == null) {
      problems.add("--continue needs the --name of the replay to continue");
    }
  }
}
