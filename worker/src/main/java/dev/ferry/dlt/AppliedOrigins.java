package dev.ferry.dlt;

import dev.ferry.deadletter.FirstOrigin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads {@code ferry.replayed_origins}: which original records a replayed copy applied, per
 * consumer group. Read-only (a dry run may use it); thread-safe.
 */
public final class AppliedOrigins {
  private static final int CHUNK = 5_000;
  private static final String SELECT =
      "SELECT r.origin_topic, r.origin_partition, r.origin_offset FROM ferry.replayed_origins r"
          + " JOIN unnest(?::text[], ?::int[], ?::bigint[]) AS u(t, p, o)"
          + " ON r.origin_topic = u.t AND r.origin_partition = u.p AND r.origin_offset = u.o"
          + " WHERE r.group_id = ?";

  private final DataSource dataSource;
  private final String group;

  /**
   * @param group the consumer group that applies the replayed copies (the config's)
   */
  public AppliedOrigins(DataSource dataSource, String group) {
    this.dataSource = dataSource;
    this.group = group;
  }

  /** Which of {@code origins} were applied; none when Ferry's schema predates the table. */
  public Set<FirstOrigin> applied(Collection<FirstOrigin> origins) throws SQLException {
    Set<FirstOrigin> applied = new HashSet<>();
    if (origins.isEmpty()) {
      return applied;
    }
    try (Connection c = dataSource.getConnection()) {
      if (!tableExists(c)) {
        return applied;
      }
      List<FirstOrigin> all = new ArrayList<>(origins);
      for (int from = 0; from < all.size(); from += CHUNK) {
        List<FirstOrigin> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
          ps.setArray(1, c.createArrayOf("text", chunk.stream().map(FirstOrigin::topic).toArray()));
          ps.setArray(
              2, c.createArrayOf("integer", chunk.stream().map(FirstOrigin::partition).toArray()));
          ps.setArray(
              3, c.createArrayOf("bigint", chunk.stream().map(FirstOrigin::offset).toArray()));
          ps.setString(4, group);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              applied.add(new FirstOrigin(rs.getString(1), rs.getInt(2), rs.getLong(3)));
            }
          }
        }
      }
    }
    return applied;
  }

  private static boolean tableExists(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('ferry.replayed_origins') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
