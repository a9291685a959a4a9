package dev.ferry.sink;

import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.TableName;
import dev.ferry.config.WorkerSettings;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.SqlStateClasses;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import javax.sql.DataSource;

/**
 * Writes batches of rows to Postgres, each batch in one transaction, with the statements of each
 * table's current definition ({@link TableDefinitions}). Thread-safe: every call borrows its own
 * connection from the pool.
 */
public final class PostgresSink implements RowSink {
  private final DataSource dataSource;
  private final TableDefinitions tables;
  private final RowWrites rowWrites;
  private final Optional<OffsetMarkers> markers;
  private final Optional<ReplayedOrigins> replays;
  private final TransactionWatchdog watchdog;
  private final SqlStateClasses classes;

  private PostgresSink(
      DataSource dataSource,
      TableDefinitions tables,
      Optional<OffsetMarkers> markers,
      Optional<ReplayedOrigins> replays,
      TransactionWatchdog watchdog,
      WorkerSettings.WriteMethod writeMethod,
      SqlStateClasses classes) {
    this.dataSource = dataSource;
    this.tables = tables;
    this.rowWrites = new RowWrites(tables, writeMethod);
    this.markers = markers;
    this.replays = replays;
    this.watchdog = watchdog;
    this.classes = classes;
  }

  /**
   * A sink over tables already read and checked.
   *
   * @param tables the current definition of every pipeline's tables, looked up at every write
   * @param exactlyOnceGroup the consumer group whose offset markers and epochs every transaction
   *     writes and checks; empty for at-least-once writes without bookkeeping
   * @param topicIds the ids of the input topics, which markers are scoped to
   * @param watchdog watches every transaction of the sink for running past its deadline
   * @param writeMethod how {@link #write} writes runs of whole insert-mode rows ({@link
   *     #writeIsolating} always uses statements)
   */
  public static PostgresSink open(
      DataSource dataSource,
      TableDefinitions tables,
      Optional<String> exactlyOnceGroup,
      TopicIds topicIds,
      TransactionWatchdog watchdog,
      WorkerSettings.WriteMethod writeMethod) {
    return open(
        dataSource,
        tables,
        exactlyOnceGroup,
        topicIds,
        watchdog,
        writeMethod,
        SqlStateClasses.defaults());
  }

  /**
   * {@link #open(DataSource, TableDefinitions, Optional, TopicIds, TransactionWatchdog,
   * WorkerSettings.WriteMethod)}, judging failures by {@code classes} ({@code retry.sqlstates}).
   */
  public static PostgresSink open(
      DataSource dataSource,
      TableDefinitions tables,
      Optional<String> exactlyOnceGroup,
      TopicIds topicIds,
      TransactionWatchdog watchdog,
      WorkerSettings.WriteMethod writeMethod,
      SqlStateClasses classes) {
    return new PostgresSink(
        dataSource,
        tables,
        exactlyOnceGroup.map(group -> new OffsetMarkers(group, topicIds)),
        exactlyOnceGroup.map(ReplayedOrigins::new),
        watchdog,
        writeMethod,
        classes);
  }

  /** The key a pipeline's table is known by in {@link Row#target()} and {@link #coercers()}. */
  public static String targetKey(String pipeline, TableName table) {
    return pipeline + ":" + table;
  }

  @Override
  public long definitionsGeneration() {
    return tables.generation();
  }

  @Override
  public boolean refreshDefinitions(List<Row> rows, long generationBefore) {
    Set<String> targets = new LinkedHashSet<>();
    rows.forEach(row -> targets.add(row.target()));
    return tables.refreshAfterSinkError(targets, generationBefore);
  }

  @Override
  public Set<String> droppedTargets(List<Row> rows) {
    Set<String> targets = new LinkedHashSet<>();
    rows.forEach(row -> targets.add(row.target()));
    return tables.droppedTargets(targets);
  }

  @Override
  public SinkResult write(List<Row> all, List<Origin> alsoCompleted) {
    try {
      return new SinkResult.Committed(writeAll(all, alsoCompleted));
    } catch (FencedException e) {
      return new SinkResult.Fenced(e.partitions());
    } catch (SQLException e) {
      return SinkResult.failed(e, classes);
    }
  }

  /**
   * Writes all rows in one transaction: all or nothing. With exactly-once bookkeeping the same
   * transaction records the offsets of the rows and of {@code alsoCompleted} (records finished
   * without a row, such as tombstones) and is fenced by the partitions' epochs, and it skips the
   * rows of replayed copies whose original record was applied before (see {@link Written}). Newer
   * wins: rows older than what their key already reflects (by source position, or by the target's
   * version column) are not applied, and the records all of whose rows are stale are reported.
   *
   * @throws SQLException the transaction was rolled back; nothing of the batch is in the table
   * @throws FencedException rolled back because another worker owns some of the partitions now
   */
  private Written writeAll(List<Row> all, List<Origin> alsoCompleted)
      throws SQLException, FencedException {
    try (Connection c = dataSource.getConnection();
        TransactionWatchdog.Watch watch = watchdog.watch(c, () -> describe(all, alsoCompleted))) {
      c.setAutoCommit(false);
      try {
        Set<Origin> alreadyApplied = claimReplays(c, all);
        List<Row> rows =
            alreadyApplied.isEmpty()
                ? all
                : all.stream().filter(r -> !alreadyApplied.contains(r.origin())).toList();
        Set<Origin> stale = rowWrites.writeBatch(c, rows);
        commit(c, all, i -> false, alsoCompleted);
        watch.committed();
        return alreadyApplied.isEmpty() && stale.isEmpty()
            ? Written.ALL
            : new Written(Map.of(), alreadyApplied, stale);
      } catch (SQLException | FencedException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  /** Claims the originals of the replayed copies among the rows; returns the copies to skip. */
  private Set<Origin> claimReplays(Connection c, List<Row> rows) throws SQLException {
    if (replays.isEmpty()) {
      return Set.of();
    }
    List<Origin> replayed = null;
    for (Row row : rows) {
      if (row.origin().replayOf().isPresent()) {
        if (replayed == null) {
          replayed = new ArrayList<>();
        }
        if (replayed.isEmpty() || !replayed.get(replayed.size() - 1).equals(row.origin())) {
          replayed.add(row.origin());
        }
      }
    }
    return replayed == null ? Set.of() : replays.get().claim(c, replayed);
  }

  @Override
  public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
    return writeIsolating(rows, alsoCompleted, KeyHold.NONE);
  }

  @Override
  public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted, KeyHold hold) {
    try {
      return new SinkResult.Committed(writeEachRecord(rows, alsoCompleted, hold));
    } catch (FencedException e) {
      return new SinkResult.Fenced(e.partitions());
    } catch (SQLException e) {
      return SinkResult.failed(e, classes);
    }
  }

  /**
   * Writes the rows record by record inside one transaction, each record's rows (consecutive rows
   * of one origin) behind a savepoint, so the records that fail are rolled back alone, all their
   * rows together, and the rest commit together. Rejected records get no offset marker: they are
   * not complete until the dead-letter topic has them.
   *
   * @return the failure of each rejected row, by its index in {@code rows} (every row of a rejected
   *     record is listed, with the record's failure), the replayed copies skipped because their
   *     original record was applied before, and the stale records (newer wins); a rejected record
   *     advances no source position
   * @throws SQLException a transient failure (connection, deadlock) or a failed commit: nothing was
   *     written, retry the whole batch
   * @throws FencedException rolled back because another worker owns some of the partitions now
   */
  private Written writeEachRecord(List<Row> rows, List<Origin> alsoCompleted, KeyHold hold)
      throws SQLException, FencedException {
    Map<Integer, SQLException> rejected = new LinkedHashMap<>();
    Set<Integer> held = new HashSet<>();
    Set<Object> heldKeys = new HashSet<>();
    Set<Origin> alreadyApplied = new HashSet<>();
    Set<Origin> stale = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        TransactionWatchdog.Watch watch = watchdog.watch(c, () -> describe(rows, alsoCompleted))) {
      c.setAutoCommit(false);
      try {
        SourcePositions positions = rowWrites.positions(c, rows);
        int start = 0;
        while (start < rows.size()) {
          int end = start + 1;
          while (end < rows.size() && rows.get(end).origin().equals(rows.get(start).origin())) {
            end++;
          }
          if (!heldKeys.isEmpty() && heldKeys.contains(hold.key(start))) {
            for (int i = start; i < end; i++) {
              held.add(i); // behind a waiting record of its key: not written now
            }
            start = end;
            continue;
          }
          Savepoint savepoint = c.setSavepoint();
          try {
            // Claimed behind the savepoint: a record rejected below leaves its original unclaimed.
            if (!claimReplays(c, rows.subList(start, end)).isEmpty()) {
              alreadyApplied.add(rows.get(start).origin());
              c.releaseSavepoint(savepoint);
              start = end;
              continue;
            }
            boolean applied = rowWrites.writeRecord(c, rows, start, end, positions);
            c.releaseSavepoint(savepoint);
            if (!applied) {
              stale.add(rows.get(start).origin());
            }
          } catch (SQLException e) {
            if (classes.classify(e) == FailureClass.TRANSIENT) {
              throw e;
            }
            c.rollback(savepoint);
            for (int i = start; i < end; i++) {
              rejected.put(i, e);
            }
            if (hold.holds(start, e)) {
              heldKeys.add(hold.key(start));
            }
          }
          start = end;
        }
        if (positions != null) {
          positions.save(c);
        }
        commit(c, rows, i -> rejected.containsKey(i) || held.contains(i), alsoCompleted);
        watch.committed();
      } catch (SQLException | FencedException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
    return new Written(rejected, alreadyApplied, stale, held);
  }

  /**
   * Marks the records written and commits.
   *
   * @param unmarked the rows, by index, whose records get no offset marker (refused, held)
   */
  private void commit(
      Connection c, List<Row> rows, IntPredicate unmarked, List<Origin> alsoCompleted)
      throws SQLException, FencedException {
    if (markers.isPresent()) {
      // A record with several rows is one origin: listed once.
      Set<Origin> completed = new LinkedHashSet<>(rows.size() + alsoCompleted.size());
      for (int i = 0; i < rows.size(); i++) {
        if (!unmarked.test(i)) {
          completed.add(rows.get(i).origin());
        }
      }
      completed.addAll(alsoCompleted);
      markers.get().markAndFence(c, completed);
    }
    try {
      c.commit();
    } catch (SQLException e) {
      // An error the server sent means it rolled back; a broken connection (class 08) leaves
      // the outcome unknown: COMMIT may have arrived and applied the batch.
      String state = e.getSQLState();
      throw state == null || state.startsWith("08") ? new CommitInDoubtException(e) : e;
    }
  }

  @Override
  public Set<Origin> alreadyApplied(Collection<Origin> origins) throws SQLException {
    if (markers.isEmpty() || origins.isEmpty()) {
      return Set.of();
    }
    // The markers' lock waits behind a transaction whose client vanished before COMMIT; the
    // connection's lock_timeout bounds it, and the failure is transient: asked again after a
    // backoff, once the server has ended that session (idle_in_transaction_session_timeout).
    try (Connection c = dataSource.getConnection();
        TransactionWatchdog.Watch watch =
            watchdog.watch(c, () -> "settling a commit in doubt of " + partitions(origins))) {
      c.setAutoCommit(false);
      try {
        Set<Origin> applied = markers.get().applied(c, origins);
        c.commit();
        watch.committed();
        return applied;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  /** Names a batch's pipelines and partitions, for the watchdog's log line. */
  private static String describe(List<Row> rows, List<Origin> alsoCompleted) {
    Set<String> pipelines = new TreeSet<>();
    List<Origin> origins = new ArrayList<>(rows.size() + alsoCompleted.size());
    for (Row row : rows) {
      pipelines.add(row.pipeline());
      origins.add(row.origin());
    }
    origins.addAll(alsoCompleted);
    return "pipelines "
        + pipelines
        + ", partitions "
        + partitions(origins)
        + ", "
        + rows.size()
        + " rows";
  }

  private static Set<String> partitions(Collection<Origin> origins) {
    Set<String> partitions = new TreeSet<>();
    origins.forEach(o -> partitions.add(o.partition().toString()));
    return partitions;
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailure) {
      // The connection is likely broken; the pool discards it. Keep the original failure.
      cause.addSuppressed(rollbackFailure);
    }
  }
}
