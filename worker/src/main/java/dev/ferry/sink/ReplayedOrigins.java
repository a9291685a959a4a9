package dev.ferry.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replay side of exactly once (guarantee 9): inside the data transaction, claims the original
 * records that replayed copies stand for in {@code ferry.replayed_origins}, with one statement per
 * call, and says which copies must be skipped because their original was applied before. The claim
 * commits or rolls back with the rows, so an origin is claimed exactly when a copy of it was
 * applied. A concurrent transaction claiming the same origin waits on the primary key until this
 * one ends, then finds the row and skips. Records that are no replays cost nothing: no statement is
 * sent for a batch without one. Stateless apart from the group id; thread-safe.
 */
final class ReplayedOrigins {
  private static final String CLAIM =
      "INSERT INTO ferry.replayed_origins"
          + " (group_id, origin_topic, origin_partition, origin_offset, replay_name)"
          + " SELECT ?, t, p, o, n FROM unnest(?::text[], ?::int[], ?::bigint[], ?::text[])"
          + " AS u(t, p, o, n)"
          + " ON CONFLICT DO NOTHING RETURNING origin_topic, origin_partition, origin_offset";

  private final String groupId;

  ReplayedOrigins(String groupId) {
    this.groupId = groupId;
  }

  /**
   * Claims the originals of the replayed copies among {@code origins} (records in offset order) and
   * returns the copies to skip: those whose original was claimed before this call, and every later
   * copy of an original an earlier record of the same call took. A copy with {@code reapply} is
   * never skipped (and takes its original, if unclaimed).
   */
  Set<Origin> claim(Connection c, Collection<Origin> origins) throws SQLException {
    Map<String, Origin.ReplayOf> distinct = new LinkedHashMap<>();
    for (Origin o : origins) {
      o.replayOf().ifPresent(r -> distinct.putIfAbsent(r.key(), r));
    }
    if (distinct.isEmpty()) {
      return Set.of();
    }
    Set<String> claimed = insert(c, distinct.values());
    Set<String> taken = new HashSet<>();
    Set<Origin> skip = new HashSet<>();
    for (Origin o : origins) {
      if (o.replayOf().isEmpty()) {
        continue;
      }
      Origin.ReplayOf r = o.replayOf().get();
      boolean mine = claimed.contains(r.key()) && taken.add(r.key());
      if (!mine && !r.reapply()) {
        skip.add(o);
      }
      taken.add(r.key());
    }
    return skip;
  }

  private Set<String> insert(Connection c, Collection<Origin.ReplayOf> replays)
      throws SQLException {
    List<String> topics = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Origin.ReplayOf r : replays) {
      topics.add(r.topic());
      partitions.add(r.partition());
      offsets.add(r.offset());
      names.add(r.replayName().orElse(null));
    }
    Set<String> claimed = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
      ps.setString(1, groupId);
      ps.setArray(2, c.createArrayOf("text", topics.toArray()));
      ps.setArray(3, c.createArrayOf("integer", partitions.toArray()));
      ps.setArray(4, c.createArrayOf("bigint", offsets.toArray()));
      ps.setArray(5, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claimed.add(
              new Origin.ReplayOf(
                      rs.getString(1),
                      rs.getInt(2),
                      rs.getLong(3),
                      false,
                      java.util.Optional.empty())
                  .key());
        }
      }
    }
    return claimed;
  }
}
