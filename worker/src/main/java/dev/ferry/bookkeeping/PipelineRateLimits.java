package dev.ferry.bookkeeping;

import dev.ferry.config.RateLimit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * The rate limits an operator set at run time, per consumer group, in {@code
 * ferry.pipeline_rate_limits}: while a pipeline's row exists it is the pipeline's limit on every
 * replica of the group, in place of its configured {@code rate-limit}; clearing deletes the row.
 * Thread-safe (stateless).
 */
public final class PipelineRateLimits {
  /** One override: which pipeline, the limit in its place, since when and by whom. */
  public record RateOverride(String pipeline, RateLimit limit, Instant setAt, String setBy) {}

  private final DataSource dataSource;
  private final String group;

  public PipelineRateLimits(DataSource dataSource, String group) {
    this.dataSource = dataSource;
    this.group = group;
  }

  /**
   * Sets (or replaces) the override of {@code pipeline}.
   *
   * @return the override now in force
   */
  public RateOverride set(String pipeline, RateLimit limit, String by) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ferry.pipeline_rate_limits (group_id, pipeline, records_per_second,"
                    + " max_transactions, set_by) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (group_id, pipeline) DO UPDATE SET"
                    + " records_per_second = excluded.records_per_second,"
                    + " max_transactions = excluded.max_transactions, set_at = now(),"
                    + " set_by = excluded.set_by"
                    + " RETURNING pipeline, records_per_second, max_transactions, set_at, set_by")) {
      c.setAutoCommit(true);
      ps.setString(1, group);
      ps.setString(2, pipeline);
      if (limit.recordsPerSecond().isPresent()) {
        ps.setDouble(3, limit.recordsPerSecond().getAsDouble());
      } else {
        ps.setNull(3, Types.DOUBLE);
      }
      if (limit.maxTransactions().isPresent()) {
        ps.setInt(4, limit.maxTransactions().getAsInt());
      } else {
        ps.setNull(4, Types.INTEGER);
      }
      ps.setString(5, by);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return read(rs);
      }
    }
  }

  /**
   * Clears the override of {@code pipeline}: its configured limit holds again.
   *
   * @return the override cleared, empty when there was none
   */
  public Optional<RateOverride> clear(String pipeline) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM ferry.pipeline_rate_limits WHERE group_id = ? AND pipeline = ?"
                    + " RETURNING pipeline, records_per_second, max_transactions, set_at, set_by")) {
      c.setAutoCommit(true);
      ps.setString(1, group);
      ps.setString(2, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /** Every override of the group, by pipeline name (sorted). */
  public Map<String, RateOverride> current() throws SQLException {
    Map<String, RateOverride> overrides = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT pipeline, records_per_second, max_transactions, set_at, set_by"
                    + " FROM ferry.pipeline_rate_limits WHERE group_id = ? ORDER BY pipeline")) {
      ps.setString(1, group);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          RateOverride o = read(rs);
          overrides.put(o.pipeline(), o);
        }
      }
    }
    return overrides;
  }

  private static RateOverride read(ResultSet rs) throws SQLException {
    double records = rs.getDouble(2);
    OptionalDouble recordsPerSecond =
        rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(records);
    int transactions = rs.getInt(3);
    OptionalInt maxTransactions = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(transactions);
    return new RateOverride(
        rs.getString(1),
        new RateLimit(recordsPerSecond, maxTransactions),
        rs.getTimestamp(4).toInstant(),
        rs.getString(5));
  }
}
