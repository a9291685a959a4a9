package dev.ferry.sink;

import java.sql.SQLException;

/**
 * Keeps each key's order through a write that isolates rows ({@link RowSink#writeIsolating}): once
 * a record is refused for a reason that makes it wait (to be written again later), the later rows
 * of its key in the same write are not written either, so that they are applied after it, not
 * before. Called on the writing thread, in row order.
 */
public interface KeyHold {
  /** No key is ever held: every row is written or refused on its own. */
  KeyHold NONE =
      new KeyHold() {
        @Override
        public Object key(int row) {
          return null;
        }

        @Override
        public boolean holds(int row, SQLException failure) {
          return false;
        }
      };

  /**
   * What the record of row {@code row} is ordered by (its partition and key), compared by equals.
   */
  Object key(int row);

  /** Whether the record of row {@code row}, refused with {@code failure}, is to wait. */
  boolean holds(int row, SQLException failure);
}
