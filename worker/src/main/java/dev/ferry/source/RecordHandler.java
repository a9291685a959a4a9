package dev.ferry.source;

import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where the poll loop hands records; implemented by the dispatcher. */
public interface RecordHandler {
  /** Accepts a record without blocking; the handler counts it as held in memory. */
  void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition);

  /** False when the handler holds its capacity: the poll loop then pauses all partitions. */
  boolean hasRoom();

  /**
   * Whether the handler can take {@code record} now without passing its byte bound. When it cannot,
   * the poll loop hands over nothing more of that partition from this poll, seeks back to the
   * record so that it is fetched again, and {@link #hasRoom()} stays false until the record fits.
   * Called on the poll thread, for the records of claimed partitions, in poll order. The default
   * admits every record (a handler bounded by records only).
   */
  default boolean hasRoomFor(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
    return true;
  }

  /**
   * Whether the partitions of {@code topic} are to be paused for now although there is room: the
   * handler refuses their records for a while (a rate limit), so fetching them would only fetch
   * them again. Called on the poll thread before each poll. The default holds nothing back.
   */
  default boolean holdsBack(String topic) {
    return false;
  }

  /**
   * Drops the queued records (not yet taken by a worker) of the partitions {@code which} selects:
   * on a drain, a revocation or a fencing. They stay uncommitted and are read again by whoever owns
   * the partition next. Batches already in a worker's hands are kept.
   *
   * @return the number of records dropped
   */
  int discardQueued(Predicate<PartitionState> which);

  /** Records accepted and not yet completed or dropped. */
  int inMemory();
}
