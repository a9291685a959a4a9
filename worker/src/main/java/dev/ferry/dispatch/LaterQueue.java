package dev.ferry.dispatch;

import dev.ferry.source.PartitionState;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The records of one lane that wait to be written again later (retry later): each waiting record
 * heads its key's queue, and the later records of that key that arrive meanwhile wait behind it in
 * offset order, so a key's order is kept while other keys go on. When a head is due, {@link
 * #takeDue} hands it out with the records behind it, in order, to be written again.
 *
 * <p>A key is the record's partition (its {@link PartitionState}, so a partition assigned again
 * starts afresh) and its key bytes; records without a key are ordered by partition, as their lane
 * is. Waiting records are incomplete: the partition's committed offset stays before them, and a
 * worker that stops or loses the partition leaves them to be read again. They are outside the
 * lanes' memory count; {@code total} counts the waiting records of every lane against one limit.
 *
 * <p>Not thread-safe: used by its lane's worker only.
 */
public final class LaterQueue {
  /**
   * A waiting record's history.
   *
   * @param firstRefused when its write was first refused
   * @param refusals how many times its write was refused so far
   */
  public record Retry(Instant firstRefused, int refusals) {}

  /** A key's queue: the waiting record, when it is due, and the records behind it. */
  private static final class Entry {
    final WorkItem head;
    final Retry retry;
    final Instant due;
    final ArrayDeque<WorkItem> behind = new ArrayDeque<>();

    Entry(WorkItem head, Retry retry, Instant due) {
      this.head = head;
      this.retry = retry;
      this.due = due;
    }
  }

  private record Key(PartitionState partition, ByteBuffer key) {}

  /**
   * A queue that never holds a record (every refusal is final); it never changes, so it may be
   * shared.
   */
  public static final LaterQueue NONE = new LaterQueue(Clock.systemUTC(), new AtomicInteger(), 0);

  private final Clock clock;
  private final AtomicInteger total;
  private final int limit;
  private final Map<Key, Entry> waiting = new LinkedHashMap<>();
  private final Map<WorkItem, Retry> handedOut = new IdentityHashMap<>();

  /**
   * @param total the records waiting in every lane of the worker, shared by their queues
   * @param limit the records that may wait in the worker at most; 0 for none
   */
  public LaterQueue(Clock clock, AtomicInteger total, int limit) {
    this.clock = clock;
    this.total = total;
    this.limit = limit;
  }

  /** What {@code item} is ordered by: equal for the records of one key of one partition. */
  public static Object keyOf(WorkItem item) {
    return key(item);
  }

  private static Key key(WorkItem item) {
    byte[] key = item.record().key();
    return new Key(item.partition(), key == null ? null : ByteBuffer.wrap(key));
  }

  /** Whether a record of {@code item}'s key waits, so that {@code item} must wait behind it. */
  public boolean holds(WorkItem item) {
    return !waiting.isEmpty() && waiting.containsKey(key(item));
  }

  /** Whether a new record may start to wait: the worker's limit is not reached. */
  public boolean hasRoom() {
    return hasRoom(0);
  }

  /**
   * Whether a new record may start to wait beside {@code pending} others that are to start waiting
   * in the same batch.
   */
  public boolean hasRoom(int pending) {
    return total.get() + pending < limit;
  }

  /**
   * Makes {@code item} wait until {@code due}; its key must have no waiting record.
   *
   * @param retry its history, this refusal included
   */
  public void wait(WorkItem item, Retry retry, Instant due) {
    Entry previous = waiting.putIfAbsent(key(item), new Entry(item, retry, due));
    if (previous != null) {
      throw new IllegalStateException(item + " cannot wait: " + previous.head + " waits already");
    }
    total.incrementAndGet();
  }

  /** Puts {@code item} behind the waiting record of its key, which must exist. */
  public void behind(WorkItem item) {
    Entry entry = waiting.get(key(item));
    if (entry == null) {
      throw new IllegalStateException("no record of the key of " + item + " waits");
    }
    entry.behind.addLast(item);
    total.incrementAndGet();
  }

  /**
   * The history of {@code item} if {@link #takeDue} handed it out as a waiting record, for the
   * batch it is written again in; empty for any other record.
   */
  public Optional<Retry> retryOf(WorkItem item) {
    return handedOut.isEmpty() ? Optional.empty() : Optional.ofNullable(handedOut.get(item));
  }

  /**
   * Takes the due waiting records out, each followed by the records behind it, in order; forgets
   * those of partitions this worker no longer owns (they are read again by their next owner).
   */
  public List<WorkItem> takeDue() {
    if (!handedOut.isEmpty()) {
      handedOut.clear();
    }
    if (waiting.isEmpty()) {
      return List.of();
    }
    Instant now = clock.instant();
    List<WorkItem> due = new ArrayList<>();
    for (Iterator<Entry> it = waiting.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      boolean retired = entry.head.partition().isRetired();
      if (retired || !entry.due.isAfter(now)) {
        it.remove();
        total.addAndGet(-1 - entry.behind.size());
        if (!retired) {
          due.add(entry.head);
          handedOut.put(entry.head, entry.retry);
          due.addAll(entry.behind);
        }
      }
    }
    return due;
  }

  /** How long until the first waiting record is due (zero if one is); null when none waits. */
  public Duration untilDue() {
    Instant first = null;
    for (Entry entry : waiting.values()) {
      if (first == null || entry.due.isBefore(first)) {
        first = entry.due;
      }
    }
    if (first == null) {
      return null;
    }
    Duration left = Duration.between(clock.instant(), first);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The records waiting in this lane, behind ones included. */
  public int size() {
    int n = 0;
    for (Entry entry : waiting.values()) {
      n += 1 + entry.behind.size();
    }
    return n;
  }

  public boolean isEmpty() {
    return waiting.isEmpty();
  }
}
