package dev.ferry.dlt;

/**
 * How many dead letters {@code ferry dlt list} found and showed, and what it says about those it
 * did not show. Immutable.
 *
 * @param matching the dead letters the filter selected, shown or not
 * @param limit {@code --limit}
 */
public record ListCount(long matching, int limit) {
  public long shown() {
    return Math.min(matching, limit);
  }

  public long beyond() {
    return matching - shown();
  }

  /** The closing line of the table format. */
  public String line(DltFilter filter) {
    return shown()
        + " shown of "
        + matching
        + " matching (filter: "
        + Printable.escape(filter.describe())
        + ", limit "
        + limit
        + ")"
        + (beyond() > 0 ? "; " + beyondNote() : "");
  }

  /** What is beyond the limit, for the JSON format's standard error; empty when nothing is. */
  public String beyondNote() {
    return beyond() > 0
        ? beyond() + " more match beyond --limit " + limit + ": raise it or narrow the filter"
        : "";
  }
}
