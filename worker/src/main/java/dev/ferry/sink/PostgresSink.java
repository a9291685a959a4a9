package dev.ferry.sink;

import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes batches of rows to Postgres, each batch in one transaction. Thread-safe: every call
 * borrows its own connection from the pool.
 */
public final class PostgresSink {
  private final DataSource dataSource;
  private final Map<String, TableWriter> writers;

  private PostgresSink(DataSource dataSource, Map<String, TableWriter> writers) {
    this.dataSource = dataSource;
    this.writers = Map.copyOf(writers);
  }

  /** Checks every pipeline's table against the database and prepares its statement. */
  public static PostgresSink open(DataSource dataSource, List<PipelineSettings> pipelines)
      throws SinkSetupException {
    Map<String, TableWriter> writers = new HashMap<>();
    List<String> problems = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (PipelineSettings p : pipelines) {
        try {
          writers.put(p.name(), TableWriter.describe(c, p));
        } catch (SinkSetupException e) {
          problems.add(e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw new SinkSetupException("cannot read table definitions: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new SinkSetupException(String.join("; ", problems));
    }
    return new PostgresSink(dataSource, writers);
  }

  /**
   * Writes all rows in one transaction: all or nothing.
   *
   * @throws SQLException the transaction was rolled back; nothing of the batch is in the table
   */
  public void write(List<Row> rows) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (Map.Entry<String, List<Row>> group : byPipeline(rows).entrySet()) {
          TableWriter writer = writer(group.getKey());
          try (PreparedStatement ps = c.prepareStatement(writer.sql())) {
            for (Row row : group.getValue()) {
              writer.bind(ps, row);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  /**
   * Writes the rows one by one inside one transaction, each behind a savepoint, so the rows that
   * fail are rolled back alone and the rest commit together.
   *
   * @return the failure of each rejected row, by its index in {@code rows}
   * @throws SQLException a transient failure (connection, deadlock) or a failed commit: nothing was
   *     written, retry the whole batch
   */
  public Map<Integer, SQLException> writeIsolating(List<Row> rows) throws SQLException {
    Map<Integer, SQLException> rejected = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (int i = 0; i < rows.size(); i++) {
          Row row = rows.get(i);
          TableWriter writer = writer(row.pipeline());
          Savepoint savepoint = c.setSavepoint();
          try (PreparedStatement ps = c.prepareStatement(writer.sql())) {
            writer.bind(ps, row);
            ps.executeUpdate();
            c.releaseSavepoint(savepoint);
          } catch (SQLException e) {
            if (FailureClassifier.classify(e) == FailureClass.TRANSIENT) {
              throw e;
            }
            c.rollback(savepoint);
            rejected.put(i, e);
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
    return rejected;
  }

  private TableWriter writer(String pipeline) {
    TableWriter writer = writers.get(pipeline);
    if (writer == null) {
      throw new IllegalArgumentException("no table writer for pipeline " + pipeline);
    }
    return writer;
  }

  private static Map<String, List<Row>> byPipeline(List<Row> rows) {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      groups.computeIfAbsent(row.pipeline(), k -> new ArrayList<>()).add(row);
    }
    return groups;
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
