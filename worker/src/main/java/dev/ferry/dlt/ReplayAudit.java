package dev.ferry.dlt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Writes the {@code ferry.replay_audit} row of a replay run. Thread-safe. */
public final class ReplayAudit {
  private final DataSource dataSource;

  public ReplayAudit(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records that a run starts; returns its row id. */
  public long started(String name, ReplayRequest request, DltFilter filter, int maxReplays)
      throws SQLException {
    List<String> dltTopics = request.dltTopics();
    String target = request.target();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ferry.replay_audit (name, dlt_topics, target, filters, max_replays,"
                    + " operator, host, outcome, request, reapply)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?) RETURNING id")) {
      c.setAutoCommit(true);
      ps.setString(1, name);
      ps.setArray(2, c.createArrayOf("text", dltTopics.toArray()));
      ps.setString(3, target);
      ps.setString(4, filter.describe());
      ps.setInt(5, maxReplays);
      ps.setString(6, System.getProperty("user.name", "unknown"));
      ps.setString(7, host());
      ps.setString(8, request.describe());
      ps.setBoolean(9, request.reapply());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * The last run of a name; empty when it never ran, or Ferry's schema has no audit yet (a dry run
   * does not create it).
   */
  public Optional<ReplayNames.PastRun> last(String name) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT to_regclass('ferry.replay_audit') IS NOT NULL AND EXISTS (SELECT 1 FROM"
                      + " information_schema.columns WHERE table_schema = 'ferry' AND table_name"
                      + " = 'replay_audit' AND column_name = 'request')")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return Optional.empty();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, request, outcome, started_at, finished_at, replayed"
                  + " FROM ferry.replay_audit WHERE name = ? ORDER BY id DESC LIMIT 1")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          Timestamp finished = rs.getTimestamp(5);
          return Optional.of(
              new ReplayNames.PastRun(
                  rs.getLong(1),
                  Optional.ofNullable(rs.getString(2)),
                  rs.getString(3),
                  rs.getTimestamp(4).toInstant(),
                  Optional.ofNullable(finished).map(Timestamp::toInstant),
                  rs.getLong(6)));
        }
      }
    }
  }

  /**
   * Marks the earlier runs of the same name that never recorded an end (killed) as {@code
   * abandoned}. Call once this run's producer is initialised: that fenced every earlier producer of
   * the name, so none of them can commit anything any more.
   *
   * @return rows marked
   */
  public int supersede(String name, long id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE ferry.replay_audit SET finished_at = now(), outcome = 'abandoned',"
                    + " detail = 'ended without recording its end (killed?); run ' || ?"
                    + " || ' resumed after its last committed transaction'"
                    + " WHERE name = ? AND outcome = 'running' AND id < ?")) {
      c.setAutoCommit(true);
      ps.setLong(1, id);
      ps.setString(2, name);
      ps.setLong(3, id);
      return ps.executeUpdate();
    }
  }

  /** Records how the run ended. */
  public void finished(long id, Replayer.Summary summary, String outcome, String detail)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE ferry.replay_audit SET finished_at = now(), selected = ?, replayed = ?,"
                    + " parked = ?, skipped = ?, outcome = ?, detail = ? WHERE id = ?")) {
      c.setAutoCommit(true);
      ps.setLong(1, summary.selected());
      ps.setLong(2, summary.replayed());
      ps.setLong(3, summary.parked());
      ps.setLong(4, summary.skippedTotal());
      ps.setString(5, outcome);
      ps.setString(6, detail);
      ps.setLong(7, id);
      ps.executeUpdate();
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
