package dev.ferry.metrics;

import java.util.List;

/**
 * The reads of target table definitions after start, counted by what triggered them and what they
 * found. Thread-safe.
 */
public interface TableRefreshView {
  /** Every trigger label, e.g. {@code timer}. */
  List<String> triggers();

  /** Every outcome label, e.g. {@code changed}. */
  List<String> outcomes();

  /** The reads with this trigger and outcome, both labels of the lists above. */
  long refreshes(String trigger, String outcome);
}
