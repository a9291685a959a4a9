package dev.ferry.testkit.cdc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rows in which two tables differ, by primary key: keys only in the source, keys only in the
 * target, and keys in both whose columns differ (each with both values).
 */
final class RowDiff {
  private final List<String> missing = new ArrayList<>();
  private final List<String> extra = new ArrayList<>();
  private final List<String> changed = new ArrayList<>();

  private RowDiff() {}

  /**
   * @param columns the compared columns' names
   * @param source rows of the source: the key text, then one text per column
   * @param target rows of the target, the same shape
   */
  static RowDiff of(List<String> columns, List<String[]> source, List<String[]> target) {
    Map<String, String[]> byKey = byKey(target);
    RowDiff diff = new RowDiff();
    for (Map.Entry<String, String[]> row : byKey(source).entrySet()) {
      String[] other = byKey.remove(row.getKey());
      if (other == null) {
        diff.missing.add(row.getKey() + " " + shown(row.getValue()));
        continue;
      }
      for (int i = 0; i < columns.size(); i++) {
        if (!Objects.equals(row.getValue()[i], other[i])) {
          diff.changed.add(
              "key "
                  + row.getKey()
                  + " column "
                  + columns.get(i)
                  + ": source "
                  + shown(row.getValue()[i])
                  + ", target "
                  + shown(other[i]));
        }
      }
    }
    byKey.forEach((key, values) -> diff.extra.add(key + " " + shown(values)));
    return diff;
  }

  private static Map<String, String[]> byKey(List<String[]> rows) {
    Map<String, String[]> byKey = new TreeMap<>();
    for (String[] row : rows) {
      byKey.put(row[0], Arrays.copyOfRange(row, 1, row.length));
    }
    return byKey;
  }

  /** The differences, at most {@code shown} of each kind, one per line. */
  String describe(int shown) {
    StringBuilder text = new StringBuilder();
    section(text, "only in the source (missing in the target)", missing, shown);
    section(text, "only in the target", extra, shown);
    section(text, "columns that differ", changed, shown);
    return text.toString();
  }

  private static void section(StringBuilder text, String title, List<String> lines, int shown) {
    if (lines.isEmpty()) {
      return;
    }
    text.append("\n  ").append(lines.size()).append(' ').append(title).append(':');
    for (String line : lines.subList(0, Math.min(shown, lines.size()))) {
      text.append("\n    ").append(line);
    }
    if (lines.size() > shown) {
      text.append("\n    …");
    }
  }

  private static String shown(String[] values) {
    return Arrays.stream(values).map(RowDiff::shown).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A value for the message: quoted, NULL as such, cut short when long. */
  private static String shown(String value) {
    if (value == null) {
      return "NULL";
    }
    String cut = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return "'" + cut + "'";
  }
}
