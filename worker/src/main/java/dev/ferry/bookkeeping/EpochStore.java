package dev.ferry.bookkeeping;

import dev.ferry.source.PartitionClaim;
import dev.ferry.source.PartitionClaimer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ownership side of the exactly-once bookkeeping: claims partitions (bumping their epoch and
 * loading the offsets earlier owners applied) and deletes markers that fell below the committed
 * offset. Thread-safe.
 *
 * <p>Why a claim cannot miss a marker: the epoch bump is an UPDATE of the partition's epoch row,
 * which waits for every transaction that holds that row {@code FOR SHARE}, i.e. every data
 * transaction of the previous owner that already passed its fencing check. Those commit first, so
 * their markers are visible to the load that follows in the same transaction; any transaction that
 * has not passed its check yet will find the new epoch and roll back.
 */
public final class EpochStore implements PartitionClaimer {
  private static final Logger log = LoggerFactory.getLogger(EpochStore.class);

  private static final String BUMP =
      "INSERT INTO ferry.partition_epochs AS e (group_id, topic, partition, epoch, owner, topic_id)"
          + " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (group_id, topic, partition) DO UPDATE"
          + " SET epoch = e.epoch + 1, owner = EXCLUDED.owner, topic_id = EXCLUDED.topic_id,"
          + " claimed_at = now() RETURNING epoch";
  private static final String FORGET_OLD_INCARNATIONS =
      "DELETE FROM ferry.applied_offsets WHERE group_id = ? AND topic = ? AND partition = ?"
          + " AND topic_id IS DISTINCT FROM ?";
  private static final String LOAD =
      "SELECT offsets FROM ferry.applied_offsets WHERE group_id = ? AND topic = ? AND partition = ?";
  private static final String CLEAN =
      "DELETE FROM ferry.applied_offsets"
          + " WHERE group_id = ? AND topic = ? AND partition = ? AND max_offset < ?";

  private final DataSource dataSource;
  private final String groupId;
  private final String owner;
  private final TopicIds topicIds;

  public EpochStore(DataSource dataSource, String groupId, String owner, TopicIds topicIds) {
    this.dataSource = dataSource;
    this.groupId = groupId;
    this.owner = owner;
    this.topicIds = topicIds;
  }

  @Override
  public PartitionClaim claim(TopicPartition partition) throws SQLException {
    String topicId =
        topicIds
            .of(partition.topic())
            .orElseThrow(
                () ->
                    new SQLTransientException(
                        "the id of topic " + partition.topic() + " is not known yet"));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long epoch;
        try (PreparedStatement ps = c.prepareStatement(BUMP)) {
          bindPartition(ps, partition);
          ps.setString(4, owner);
          ps.setString(5, topicId);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            epoch = rs.getLong(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(FORGET_OLD_INCARNATIONS)) {
          bindPartition(ps, partition);
          ps.setString(4, topicId);
          int forgotten = ps.executeUpdate();
          if (forgotten > 0) {
            log.warn(
                "{} was deleted and created again since Ferry last saw it: forgot {} offset"
                    + " markers of its earlier incarnation",
                partition,
                forgotten);
          }
        }
        Set<Long> applied = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(LOAD)) {
          bindPartition(ps, partition);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Array offsets = rs.getArray(1);
              for (Object o : (Object[]) offsets.getArray()) {
                applied.add(((Number) o).longValue());
              }
              offsets.free();
            }
          }
        }
        c.commit();
        return new PartitionClaim(epoch, applied);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Deletes the markers whose offsets all lie below {@code committedOffset}: those records are
   * never read again by this group.
   *
   * @return markers deleted
   */
  public int deleteMarkersBelow(TopicPartition partition, long committedOffset)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(CLEAN)) {
        bindPartition(ps, partition);
        ps.setLong(4, committedOffset);
        return ps.executeUpdate();
      }
    }
  }

  private void bindPartition(PreparedStatement ps, TopicPartition partition) throws SQLException {
    ps.setString(1, groupId);
    ps.setString(2, partition.topic());
    ps.setInt(3, partition.partition());
  }
}
