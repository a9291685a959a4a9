package dev.ferry.sink;

import dev.ferry.bookkeeping.TopicIds;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The transaction side of the exactly-once bookkeeping. Inside the data transaction, just before
 * COMMIT, it writes one marker row per partition listing the offsets the transaction completes,
 * then re-reads the partitions' epochs {@code FOR SHARE} and throws {@link FencedException} when
 * one is no longer this worker's. The share lock makes a concurrent claim wait until this
 * transaction ends, so a claim either sees these markers or this transaction sees its epoch.
 * Stateless apart from the group id; thread-safe.
 */
final class OffsetMarkers {
  private static final String INSERT =
      "INSERT INTO ferry.applied_offsets"
          + " (group_id, topic, partition, epoch, max_offset, offsets, topic_id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String EPOCHS =
      "SELECT e.topic, e.partition, e.epoch FROM ferry.partition_epochs e"
          + " JOIN unnest(?::text[], ?::int[]) AS p(topic, partition)"
          + " ON e.topic = p.topic AND e.partition = p.partition"
          + " WHERE e.group_id = ? ORDER BY e.topic, e.partition FOR SHARE OF e";

  private static final String LOCK_EPOCHS =
      "SELECT 1 FROM ferry.partition_epochs e"
          + " JOIN unnest(?::text[], ?::int[]) AS p(topic, partition)"
          + " ON e.topic = p.topic AND e.partition = p.partition"
          + " WHERE e.group_id = ? ORDER BY e.topic, e.partition FOR UPDATE OF e";
  private static final String MARKED =
      "SELECT DISTINCT o FROM ferry.applied_offsets a CROSS JOIN LATERAL unnest(a.offsets) o"
          + " WHERE a.group_id = ? AND a.topic = ? AND a.partition = ? AND a.max_offset >= ?"
          + " AND o = ANY(?::bigint[])";

  private final String groupId;
  private final TopicIds topicIds;

  OffsetMarkers(String groupId, TopicIds topicIds) {
    this.groupId = groupId;
    this.topicIds = topicIds;
  }

  /** Writes the markers of {@code completed} and checks the epochs; see the class comment. */
  void markAndFence(Connection c, Collection<Origin> completed)
      throws SQLException, FencedException {
    if (completed.isEmpty()) {
      return;
    }
    Map<TopicPartition, List<Origin>> byPartition = new TreeMap<>(OffsetMarkers::compare);
    for (Origin o : completed) {
      byPartition.computeIfAbsent(o.partition(), k -> new ArrayList<>()).add(o);
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Map.Entry<TopicPartition, List<Origin>> e : byPartition.entrySet()) {
        List<Origin> origins = e.getValue();
        Long[] offsets = new Long[origins.size()];
        long max = Long.MIN_VALUE;
        for (int i = 0; i < offsets.length; i++) {
          offsets[i] = origins.get(i).offset();
          max = Math.max(max, offsets[i]);
        }
        Array array = c.createArrayOf("bigint", offsets);
        ps.setString(1, groupId);
        ps.setString(2, e.getKey().topic());
        ps.setInt(3, e.getKey().partition());
        ps.setLong(4, origins.get(0).epoch());
        ps.setLong(5, max);
        ps.setArray(6, array);
        ps.setString(7, topicIds.of(e.getKey().topic()).orElse(null));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    fence(c, byPartition);
  }

  /**
   * Which of {@code origins} have a marker, so were applied by a committed transaction. Run in a
   * transaction of its own: it first locks the partitions' epoch rows, which waits until a
   * transaction still running on the server (one whose COMMIT arrived after its client lost the
   * connection) has ended.
   */
  Set<Origin> applied(Connection c, Collection<Origin> origins) throws SQLException {
    Map<TopicPartition, List<Origin>> byPartition = new TreeMap<>(OffsetMarkers::compare);
    for (Origin o : origins) {
      byPartition.computeIfAbsent(o.partition(), k -> new ArrayList<>()).add(o);
    }
    Set<Origin> applied = new HashSet<>();
    if (byPartition.isEmpty()) {
      return applied;
    }
    try (PreparedStatement lock = c.prepareStatement(LOCK_EPOCHS)) {
      bindPartitions(c, lock, byPartition.keySet());
      lock.setString(3, groupId);
      lock.executeQuery().close();
    }
    try (PreparedStatement ps = c.prepareStatement(MARKED)) {
      for (Map.Entry<TopicPartition, List<Origin>> e : byPartition.entrySet()) {
        Map<Long, List<Origin>> byOffset = new HashMap<>();
        for (Origin o : e.getValue()) {
          byOffset.computeIfAbsent(o.offset(), k -> new ArrayList<>()).add(o);
        }
        ps.setString(1, groupId);
        ps.setString(2, e.getKey().topic());
        ps.setInt(3, e.getKey().partition());
        ps.setLong(4, byOffset.keySet().stream().mapToLong(Long::longValue).min().orElseThrow());
        ps.setArray(5, c.createArrayOf("bigint", byOffset.keySet().toArray(new Long[0])));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            applied.addAll(byOffset.getOrDefault(rs.getLong(1), List.of()));
          }
        }
      }
    }
    return applied;
  }

  private void fence(Connection c, Map<TopicPartition, List<Origin>> byPartition)
      throws SQLException, FencedException {
    Map<TopicPartition, Long> current = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(EPOCHS)) {
      bindPartitions(c, ps, byPartition.keySet());
      ps.setString(3, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          current.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
    }
    Set<TopicPartition> fenced = new HashSet<>();
    byPartition.forEach(
        (tp, origins) -> {
          Long epoch = current.get(tp);
          if (epoch == null || origins.stream().anyMatch(o -> o.epoch() != epoch)) {
            fenced.add(tp);
          }
        });
    if (!fenced.isEmpty()) {
      throw new FencedException(fenced);
    }
  }

  /** Binds parameters 1 and 2: the topics and the partition numbers, as parallel arrays. */
  private static void bindPartitions(
      Connection c, PreparedStatement ps, Collection<TopicPartition> partitions)
      throws SQLException {
    String[] topics = new String[partitions.size()];
    Integer[] numbers = new Integer[partitions.size()];
    int i = 0;
    for (TopicPartition tp : partitions) {
      topics[i] = tp.topic();
      numbers[i++] = tp.partition();
    }
    ps.setArray(1, c.createArrayOf("text", topics));
    ps.setArray(2, c.createArrayOf("integer", numbers));
  }

  private static int compare(TopicPartition a, TopicPartition b) {
    int byTopic = a.topic().compareTo(b.topic());
    return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
  }
}
