package dev.ferry.sink;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A {@link PostgresSink} for tests whose writes must commit: each write returns what it committed
 * ({@link Written}), and any other outcome fails the test with the sink's cause.
 */
final class CommittingSink {
  private final PostgresSink sink;

  CommittingSink(PostgresSink sink) {
    this.sink = sink;
  }

  Written write(List<Row> rows, List<Origin> alsoCompleted) {
    return committed(sink.write(rows, alsoCompleted));
  }

  Written writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
    return committed(sink.writeIsolating(rows, alsoCompleted));
  }

  Set<Origin> alreadyApplied(Collection<Origin> origins) throws SQLException {
    return sink.alreadyApplied(origins);
  }

  private static Written committed(SinkResult outcome) {
    if (outcome instanceof SinkResult.Committed committed) {
      return committed.written();
    }
    if (outcome instanceof SinkResult.Failed failed) {
      throw new AssertionError("the write did not commit: " + outcome, failed.cause());
    }
    throw new AssertionError("the write did not commit: " + outcome);
  }
}
