package dev.ferry.bookkeeping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipelines halted by a running worker's dead-letter breaker, in {@code ferry.pipeline_halts}, so
 * that {@code ferry dlt replay}, which reaches Postgres but not the workers, can say that what it
 * replays will wait. Advisory: a worker that cannot write its halt logs it and runs on (the halt
 * itself, readiness and metrics do not depend on it). A worker clears its rows when a pipeline is
 * resumed and when it stops; the rows of a worker that died are recognised as stale because their
 * owner no longer owns a partition of the group. Thread-safe.
 */
public final class PipelineHalts {
  private static final Logger log = LoggerFactory.getLogger(PipelineHalts.class);

  /** One halt: which pipeline, by which worker, since when and why. */
  public record Halt(String pipeline, String owner, String reason, Instant since) {}

  private static final String CURRENT =
      "SELECT h.pipeline, h.owner, h.reason, h.halted_at FROM ferry.pipeline_halts h"
          + " WHERE h.group_id = ? AND h.pipeline = ANY(?::text[])"
          + " AND (EXISTS (SELECT 1 FROM ferry.partition_epochs e"
          + "        WHERE e.group_id = h.group_id AND e.owner = h.owner)"
          + "      OR NOT EXISTS (SELECT 1 FROM ferry.partition_epochs e"
          + "        WHERE e.group_id = h.group_id))"
          + " ORDER BY h.pipeline, h.halted_at";

  private final DataSource dataSource;
  private final String group;
  private final String owner;

  /**
   * @param owner this worker, as it claims partitions in {@code ferry.partition_epochs}
   */
  public PipelineHalts(DataSource dataSource, String group, String owner) {
    this.dataSource = dataSource;
    this.group = group;
    this.owner = owner;
  }

  /** Records that this worker halted {@code pipeline}. */
  public void halted(String pipeline, String reason) {
    update(
        "INSERT INTO ferry.pipeline_halts (group_id, pipeline, owner, reason) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (group_id, pipeline, owner)"
            + " DO UPDATE SET reason = EXCLUDED.reason, halted_at = now()",
        pipeline,
        reason);
  }

  /** Records that this worker resumed {@code pipeline}. */
  public void resumed(String pipeline) {
    update(
        "DELETE FROM ferry.pipeline_halts WHERE group_id = ? AND pipeline = ? AND owner = ?",
        pipeline,
        null);
  }

  /** Clears every halt of this worker, when it stops (a restart lifts the breaker's halts). */
  public void stopped() {
    update("DELETE FROM ferry.pipeline_halts WHERE group_id = ? AND owner = ?", null, null);
  }

  private void update(String sql, String pipeline, String reason) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      int i = 1;
      ps.setString(i++, group);
      if (pipeline != null) {
        ps.setString(i++, pipeline);
      }
      ps.setString(i++, owner);
      if (reason != null) {
        ps.setString(i, reason);
      }
      ps.executeUpdate();
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "cannot record the halt state of {} in ferry.pipeline_halts (ferry dlt replay will not"
              + " know it): {}",
          pipeline == null ? "this worker's pipelines" : "pipeline " + pipeline,
          e.toString());
    }
  }

  /**
   * The current halts of some pipelines of a group; none when Ferry's schema predates the table.
   */
  public static List<Halt> current(
      DataSource dataSource, String group, Collection<String> pipelines) throws SQLException {
    List<Halt> halts = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT to_regclass('ferry.pipeline_halts') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return halts;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(CURRENT)) {
        ps.setString(1, group);
        ps.setArray(2, c.createArrayOf("text", pipelines.toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            halts.add(
                new Halt(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getTimestamp(4).toInstant()));
          }
        }
      }
    }
    return halts;
  }
}
