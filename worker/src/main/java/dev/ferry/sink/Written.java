package dev.ferry.sink;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * What a committed write did besides applying rows.
 *
 * @param rejected the failure of each rejected row, by its index in the rows written (only {@link
 *     RowSink#writeIsolating} rejects rows)
 * @param alreadyApplied the records not applied because they are replayed copies of an original
 *     record that was applied before (by an earlier copy, or by an earlier record of the same
 *     batch); they are complete, with an offset marker
 * @param stale the records whose rows were not applied because the table already reflects a newer
 *     change of the same key (newer wins: {@link Row#position()}, or a target's version column);
 *     they are complete, with an offset marker, and counted, not dead-lettered
 * @param held the rows not written because an earlier record of their key was refused and waits
 *     ({@link KeyHold}), by index; their records have no offset marker
 */
public record Written(
    Map<Integer, SQLException> rejected,
    Set<Origin> alreadyApplied,
    Set<Origin> stale,
    Set<Integer> held) {
  public static final Written ALL = new Written(Map.of(), Set.of(), Set.of());

  public Written {
    rejected = Map.copyOf(rejected);
    alreadyApplied = Set.copyOf(alreadyApplied);
    stale = Set.copyOf(stale);
    held = Set.copyOf(held);
  }

  public Written(
      Map<Integer, SQLException> rejected, Set<Origin> alreadyApplied, Set<Origin> stale) {
    this(rejected, alreadyApplied, stale, Set.of());
  }
}
