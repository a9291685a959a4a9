package dev.ferry.bookkeeping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The pipelines an operator paused, per consumer group, in {@code ferry.pipeline_pauses}: the one
 * place every replica of a group, a restarted worker, the CLI and the admin HTTP API agree on. A
 * pipeline is paused while its row exists; resuming deletes the row. Thread-safe (stateless).
 */
public final class PipelinePauses {
  /** One pause: which pipeline, since when, by whom and why. */
  public record Pause(String pipeline, Instant since, String by, String reason) {}

  private final DataSource dataSource;
  private final String group;

  public PipelinePauses(DataSource dataSource, String group) {
    this.dataSource = dataSource;
    this.group = group;
  }

  /**
   * Pauses {@code pipeline}, unless it is paused already (the first pause, its time, author and
   * reason, stay).
   *
   * @return the pause now in force, and whether this call made it
   */
  public Paused pause(String pipeline, String by, String reason) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ferry.pipeline_pauses (group_id, pipeline, paused_by, reason)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, pipeline) DO NOTHING")) {
      c.setAutoCommit(true);
      ps.setString(1, group);
      ps.setString(2, pipeline);
      ps.setString(3, by);
      ps.setString(4, reason == null ? "" : reason);
      boolean made = ps.executeUpdate() == 1;
      return new Paused(read(c).get(pipeline), made);
    }
  }

  /** What {@link #pause} found or did; {@code pause} is null only if a resume raced it. */
  public record Paused(Pause pause, boolean madeNow) {}

  /**
   * Resumes {@code pipeline}.
   *
   * @return the pause lifted, empty when it was not paused
   */
  public Optional<Pause> resume(String pipeline) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM ferry.pipeline_pauses WHERE group_id = ? AND pipeline = ?"
                    + " RETURNING pipeline, paused_at, paused_by, reason")) {
      c.setAutoCommit(true);
      ps.setString(1, group);
      ps.setString(2, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** Every pause of the group, by pipeline name (sorted). */
  public Map<String, Pause> current() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return read(c);
    }
  }

  private Map<String, Pause> read(Connection c) throws SQLException {
    Map<String, Pause> pauses = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pipeline, paused_at, paused_by, reason FROM ferry.pipeline_pauses"
                + " WHERE group_id = ? ORDER BY pipeline")) {
      ps.setString(1, group);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Pause p = read(rs);
          pauses.put(p.pipeline(), p);
        }
      }
    }
    return pauses;
  }

  private static Pause read(ResultSet rs) throws SQLException {
    return new Pause(
        rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4));
  }
}
