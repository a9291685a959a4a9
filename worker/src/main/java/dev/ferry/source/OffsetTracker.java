package dev.ferry.source;

import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Tracks one partition's records from dispatch to completion and yields the contiguous commit
 * watermark: the lowest offset not yet completed, or one past the highest dispatched offset when
 * all are done. Records complete in any order (different keys run in parallel); the watermark only
 * moves past an offset once everything below it is complete, so committing it never skips work.
 * Offsets must be dispatched in increasing order, as a consumer returns them. Thread-safe.
 */
public final class OffsetTracker {
  /** Pending offsets with their record timestamps (epoch ms, -1 when unknown). */
  private final TreeMap<Long, Long> pending = new TreeMap<>();

  private long nextOffset = -1;
  private long committed = -1;

  /** Registers a record handed to a worker. */
  public synchronized void dispatched(long offset) {
    dispatched(offset, -1);
  }

  /** Registers a record handed to a worker, with its timestamp for the age of the oldest. */
  public synchronized void dispatched(long offset, long timestamp) {
    if (offset < nextOffset) {
      throw new IllegalArgumentException(
          "offset " + offset + " dispatched after " + (nextOffset - 1) + ": offsets must increase");
    }
    pending.put(offset, timestamp);
    nextOffset = offset + 1;
  }

  /** Marks a record applied, skipped or dead-lettered. Unknown offsets are ignored. */
  public synchronized void completed(long offset) {
    pending.remove(offset);
  }

  /**
   * The consumer's position: when every dispatched record is complete and the consumer has moved
   * past offsets that carry no record for Ferry (the commit markers of a transactional producer,
   * such as {@code ferry dlt replay}'s, or offsets compacted away), the watermark moves with it, so
   * that the committed offset reaches the end of the partition and the group shows no lag.
   */
  public synchronized void positionAt(long position) {
    if (pending.isEmpty() && position > nextOffset) {
      nextOffset = position;
    }
  }

  /** The watermark, or empty when nothing was dispatched yet. */
  public synchronized OptionalLong watermark() {
    if (nextOffset < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(pending.isEmpty() ? nextOffset : pending.firstKey());
  }

  /** The watermark if it moved past the last committed one, else empty. */
  public synchronized OptionalLong toCommit() {
    OptionalLong w = watermark();
    return w.isPresent() && w.getAsLong() > committed ? w : OptionalLong.empty();
  }

  public synchronized void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /** The timestamp of the oldest record not yet completed, if there is one with a timestamp. */
  public synchronized OptionalLong oldestPendingTimestamp() {
    if (pending.isEmpty() || pending.firstEntry().getValue() < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(pending.firstEntry().getValue());
  }

  /** Records dispatched but not completed. */
  public synchronized int pendingCount() {
    return pending.size();
  }
}
