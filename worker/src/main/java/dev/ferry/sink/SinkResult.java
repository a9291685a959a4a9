package dev.ferry.sink;

import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.SqlStateClasses;
import dev.ferry.errors.TimeoutKind;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What one write transaction of a {@link RowSink} came to. The sink answers every write with one of
 * these instead of throwing, already classified, so that the pipeline decides what to do next from
 * the outcome alone (retry, isolate, settle a commit in doubt, drop fenced partitions) and never
 * inspects a driver exception itself.
 */
public sealed interface SinkResult {
  /** Committed: the rows are in their tables and the records' offsets are marked. */
  record Committed(Written written) implements SinkResult {}

  /**
   * Rolled back because another worker claimed some of the partitions since this worker did: their
   * records are that worker's now.
   */
  record Fenced(Set<TopicPartition> partitions) implements SinkResult {}

  /** The transaction failed: rolled back, or in doubt. */
  sealed interface Failed extends SinkResult {
    /** Whether the same write may succeed later, or never will. */
    FailureClass failureClass();

    /** The {@code database.*-timeout} that ended the transaction, if one did. */
    Optional<TimeoutKind> timeout();

    /** The server's or the driver's error, for logs and dead letters. */
    SQLException cause();
  }

  /**
   * Rolled back: nothing of the transaction is in the tables.
   *
   * @param tableChanged the server's error says a table changed under the statements (an {@code
   *     ALTER TABLE}): its definition is worth reading again before the next attempt
   */
  record RolledBack(
      FailureClass failureClass,
      boolean tableChanged,
      Optional<TimeoutKind> timeout,
      SQLException cause)
      implements Failed {}

  /**
   * The connection failed while COMMIT was on its way: the transaction may have committed or not.
   * Before the records are written again, {@link RowSink#alreadyApplied} says which it applied.
   */
  record InDoubt(FailureClass failureClass, Optional<TimeoutKind> timeout, SQLException cause)
      implements Failed {}

  /** The outcome of a write that failed with {@code e}: rolled back, or in doubt. */
  static Failed failed(SQLException e) {
    return failed(e, SqlStateClasses.defaults());
  }

  /** {@link #failed(SQLException)}, judged by {@code classes}. */
  static Failed failed(SQLException e, SqlStateClasses classes) {
    if (e instanceof CommitInDoubtException) {
      return new InDoubt(classes.classify(e), FailureClassifier.timeoutKind(e), e);
    }
    return new RolledBack(
        classes.classify(e),
        FailureClassifier.signalsTableChange(e),
        FailureClassifier.timeoutKind(e),
        e);
  }
}
