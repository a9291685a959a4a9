package dev.ferry.bookkeeping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * The database side of {@code ferry pipeline rewind}: forgets the exactly-once markers at and above
 * each partition's new offset, so that the records read again from there are applied again, and
 * keeps the audit row of the run ({@code ferry.rewind_audit}).
 *
 * <p>What makes a re-delivered record be skipped as already applied is a marker: an offset listed
 * in a row of {@code ferry.applied_offsets} of the group and partition, which the next claim loads
 * ({@link EpochStore#claim}) and the replay check reads ({@code OffsetMarkers.applied}). The epoch
 * alone skips nothing. {@link #reset} therefore removes every marked offset {@code >=} the new
 * offset (deleting rows left empty, lowering {@code max_offset} of the others), and first bumps the
 * partitions' epochs in the same transaction: the UPDATE waits for any data transaction still
 * holding an epoch row {@code FOR SHARE} (so its markers are visible and trimmed too), and a
 * transaction of an old owner that has not reached its fencing read yet is fenced and rolls back.
 * Markers below the new offset stay: those records are never read again by the group.
 */
public final class RewindMarkers {
  private static final String BUMP =
      "UPDATE ferry.partition_epochs SET epoch = epoch + 1, owner = ?, claimed_at = now()"
          + " WHERE group_id = ? AND topic = ? AND partition = ?";
  private static final String COUNT =
      "SELECT count(*) FROM ferry.applied_offsets a CROSS JOIN LATERAL unnest(a.offsets) o"
          + " WHERE a.group_id = ? AND a.topic = ? AND a.partition = ? AND a.max_offset >= ?"
          + " AND o >= ?";
  private static final String DELETE_ALL_ABOVE =
      "DELETE FROM ferry.applied_offsets a WHERE a.group_id = ? AND a.topic = ?"
          + " AND a.partition = ? AND a.max_offset >= ?"
          + " AND NOT EXISTS (SELECT 1 FROM unnest(a.offsets) o WHERE o < ?)";
  private static final String TRIM =
      "UPDATE ferry.applied_offsets a"
          + " SET offsets = ARRAY(SELECT o FROM unnest(a.offsets) o WHERE o < ?),"
          + " max_offset = (SELECT max(o) FROM unnest(a.offsets) o WHERE o < ?)"
          + " WHERE a.group_id = ? AND a.topic = ? AND a.partition = ? AND a.max_offset >= ?";
  private static final String AUDIT =
      "INSERT INTO ferry.rewind_audit (group_id, pipeline, requested_by, spec, dry_run,"
          + " partitions, records, outcome) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?) RETURNING id";
  private static final String OUTCOME = "UPDATE ferry.rewind_audit SET outcome = ? WHERE id = ?";

  /** One run's audit row, before its outcome is known. */
  public record Audit(
      String groupId,
      String pipeline,
      String requestedBy,
      String spec,
      boolean dryRun,
      String partitionsJson,
      long records) {}

  private final DataSource dataSource;
  private final String groupId;

  public RewindMarkers(DataSource dataSource, String groupId) {
    this.dataSource = dataSource;
    this.groupId = groupId;
  }

  /**
   * In one transaction: bumps the epochs of {@code newOffsets}' partitions (owner {@code owner}),
   * removes their marked offsets at or above the new offsets, and inserts {@code audit} with {@code
   * outcome}. Idempotent: a second run with the same offsets removes nothing more.
   *
   * @return the audit row's id and, per partition, how many marked offsets were removed
   */
  public Reset reset(
      Map<TopicPartition, Long> newOffsets, String owner, Audit audit, String outcome)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<TopicPartition, Long> forgotten = new TreeMap<>(RewindMarkers::compare);
        Map<TopicPartition, Long> ordered = new TreeMap<>(RewindMarkers::compare);
        ordered.putAll(newOffsets); // one lock order for every run: no deadlock between two
        for (Map.Entry<TopicPartition, Long> e : ordered.entrySet()) {
          forgotten.put(e.getKey(), resetPartition(c, e.getKey(), e.getValue(), owner));
        }
        long id = insert(c, audit, outcome);
        c.commit();
        return new Reset(id, forgotten);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** What {@link #reset} did. */
  public record Reset(long auditId, Map<TopicPartition, Long> forgottenMarkers) {}

  /** Writes the audit row of a run that changed nothing (a dry run, a refusal). */
  public long record(Audit audit, String outcome) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return insert(c, audit, outcome);
    }
  }

  /** Sets the outcome of audit row {@code id}. */
  public void outcome(long id, String outcome) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(OUTCOME)) {
      c.setAutoCommit(true);
      ps.setString(1, outcome);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  private long resetPartition(Connection c, TopicPartition tp, long offset, String owner)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BUMP)) {
      ps.setString(1, owner);
      bind(ps, 2, tp);
      ps.executeUpdate();
    }
    long count;
    try (PreparedStatement ps = c.prepareStatement(COUNT)) {
      bind(ps, 1, tp);
      ps.setLong(4, offset);
      ps.setLong(5, offset);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(DELETE_ALL_ABOVE)) {
      bind(ps, 1, tp);
      ps.setLong(4, offset);
      ps.setLong(5, offset);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(TRIM)) {
      ps.setLong(1, offset);
      ps.setLong(2, offset);
      bind(ps, 3, tp);
      ps.setLong(6, offset);
      ps.executeUpdate();
    }
    return count;
  }

  private static long insert(Connection c, Audit audit, String outcome) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AUDIT)) {
      ps.setString(1, audit.groupId());
      ps.setString(2, audit.pipeline());
      ps.setString(3, audit.requestedBy());
      ps.setString(4, audit.spec());
      ps.setBoolean(5, audit.dryRun());
      ps.setString(6, audit.partitionsJson());
      ps.setLong(7, audit.records());
      ps.setString(8, outcome);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void bind(PreparedStatement ps, int first, TopicPartition tp) throws SQLException {
    ps.setString(first, groupId);
    ps.setString(first + 1, tp.topic());
    ps.setInt(first + 2, tp.partition());
  }

  private static int compare(TopicPartition a, TopicPartition b) {
    int byTopic = a.topic().compareTo(b.topic());
    return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
  }
}
