package dev.ferry.sink;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Where batches of rows are written; {@link PostgresSink} is the implementation. */
public interface RowSink {
  /**
   * Writes all rows in one transaction, all or nothing; the rows of replayed copies whose original
   * record was applied before are skipped (and complete).
   *
   * @return {@link SinkResult.Committed} with the replayed copies skipped (never a rejected row);
   *     or rolled back ({@link SinkResult.RolledBack}: nothing of the batch was written; {@link
   *     SinkResult.Fenced}: another worker owns some of the partitions now); or {@link
   *     SinkResult.InDoubt}: ask {@link #alreadyApplied} before writing the records again
   */
  SinkResult write(List<Row> rows, List<Origin> alsoCompleted);

  /**
   * Writes the rows one by one in one transaction so that rejected rows fail alone.
   *
   * @return {@link SinkResult.Committed} with the failure of each rejected row, by index, and the
   *     replayed copies skipped; otherwise as {@link #write} (rolled back: a transient failure,
   *     nothing was written, retry the whole batch)
   */
  SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted);

  /**
   * {@link #writeIsolating(List, List)}, keeping each key's order: the rows after a record {@code
   * hold} makes wait, of the same key, are not written ({@link Written#held}).
   */
  default SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted, KeyHold hold) {
    return writeIsolating(rows, alsoCompleted);
  }

  /**
   * Which of {@code origins} a committed transaction has already applied, after a {@link
   * SinkResult.InDoubt}. Waits for a transaction still running on the server to end first. Empty
   * without exactly-once bookkeeping: then a record may be written twice.
   */
  Set<Origin> alreadyApplied(Collection<Origin> origins) throws SQLException;

  /**
   * A count that goes up whenever a table's definition (its column types) is replaced; read before
   * a write, for {@link #refreshDefinitions}. Constant for a sink whose tables never change.
   */
  default long definitionsGeneration() {
    return 0;
  }

  /**
   * After a write the server refused in a way that says a table changed under it (an {@code ALTER
   * TABLE}): reads the definitions of the rows' tables again, within a rate limit.
   *
   * @param generationBefore {@link #definitionsGeneration()} before the failed write
   * @return whether a definition changed since then, so that writing the rows again with the new
   *     statements may succeed
   */
  default boolean refreshDefinitions(List<Row> rows, long generationBefore) {
    return false;
  }

  /**
   * The tables of {@code rows} found dropped (by {@link #refreshDefinitions}, or before) among
   * those looked up per record: the records of their rows are to be routed again, which looks each
   * table up anew (and creates it again where the pipeline may).
   *
   * @return their target keys ({@link Row#target()}); empty for a sink whose tables never go
   */
  default Set<String> droppedTargets(List<Row> rows) {
    return Set.of();
  }
}
