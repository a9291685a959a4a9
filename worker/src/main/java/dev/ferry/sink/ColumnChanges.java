package dev.ferry.sink;

import dev.ferry.coerce.RowCoercer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What changed between two snapshots of a table's columns, for the log. */
final class ColumnChanges {
  private ColumnChanges() {}

  /**
   * Each mapped column whose type differs, as {@code "amount" integer → text}, and each column
   * mapped now or no longer (a column added to or dropped from a table mapped by name).
   */
  static List<String> between(RowCoercer old, RowCoercer fresh) {
    Map<String, RowCoercer.Column> before = new LinkedHashMap<>();
    old.columns().forEach(c -> before.put(c.name(), c));
    List<String> changes = new ArrayList<>();
    for (RowCoercer.Column now : fresh.columns()) {
      RowCoercer.Column was = before.remove(now.name());
      if (was == null) {
        changes.add("\"" + now.name() + "\" added (" + now.type().display() + ")");
      } else if (!was.type().equals(now.type())) {
        changes.add(
            "\"" + now.name() + "\" " + was.type().display() + " → " + now.type().display());
      }
    }
    before.keySet().forEach(name -> changes.add("\"" + name + "\" no longer mapped"));
    return changes;
  }
}
