package dev.ferry.sink;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Where batches of rows are written; {@link PostgresSink} is the implementation. */
public interface RowSink {
  /**
   * Writes all rows in one transaction, all or nothing.
   *
   * @throws SQLException rolled back; nothing of the batch was written
   * @throws FencedException rolled back because another worker owns some of the partitions now
   */
  void write(List<Row> rows, List<Origin> alsoCompleted) throws SQLException, FencedException;

  /**
   * Writes the rows one by one in one transaction so that rejected rows fail alone.
   *
   * @return the failure of each rejected row, by index
   * @throws SQLException a transient failure: nothing was written, retry the whole batch
   * @throws FencedException rolled back because another worker owns some of the partitions now
   */
  Map<Integer, SQLException> writeIsolating(List<Row> rows, List<Origin> alsoCompleted)
      throws SQLException, FencedException;
}
