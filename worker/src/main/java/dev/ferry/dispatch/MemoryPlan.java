package dev.ferry.dispatch;

/**
 * How a worker's memory budget ({@code worker.memory-budget}, in bytes) is split between what the
 * consumer may have fetched and not yet handed over, and what the lanes and workers hold.
 *
 * <ul>
 *   <li>The consumer's {@code fetch.max.bytes} is an eighth of the budget, between 64 KiB and
 *       Kafka's default of 50 MiB, and {@code max.partition.fetch.bytes} at most that (and at most
 *       Kafka's default of 1 MiB). A paused partition is not fetched while the consumer buffers its
 *       data, so fetched-but-not-dispatched bytes stay within one fetch per broker.
 *   <li>The rest is the limit of the records held ({@link RecordCost}): the poll loop hands a
 *       record over only while its cost fits, and pauses every partition until it does.
 *   <li>A worker's batch holds at most an equal share of that limit per worker, so that every
 *       worker can hold a batch at once; a batch always takes at least one record.
 * </ul>
 *
 * <p>Kafka returns a record batch larger than the fetch limits alone rather than never, and a
 * record that costs more than the whole limit is handed over alone, once nothing else is held: a
 * record larger than the budget goes through, one at a time, instead of stalling its partition.
 *
 * @param budgetBytes the budget, resolved against the heap
 * @param fetchMaxBytes the consumer's {@code fetch.max.bytes}
 * @param partitionFetchMaxBytes the consumer's {@code max.partition.fetch.bytes}
 * @param heldBytesLimit what the records held (queued and in batches) may cost
 * @param batchBytesLimit what one worker's batch may cost
 */
public record MemoryPlan(
    long budgetBytes,
    int fetchMaxBytes,
    int partitionFetchMaxBytes,
    long heldBytesLimit,
    long batchBytesLimit) {
  private static final long MIN_FETCH_BYTES = 64 * 1024;
  private static final long KAFKA_FETCH_MAX_BYTES = 50 * 1024 * 1024;
  private static final int KAFKA_PARTITION_FETCH_MAX_BYTES = 1024 * 1024;

  /** The plan for a budget of {@code budgetBytes} shared by {@code threads} workers. */
  public static MemoryPlan of(long budgetBytes, int threads) {
    if (budgetBytes < 2 * MIN_FETCH_BYTES || threads < 1) {
      throw new IllegalArgumentException(
          "budget of " + budgetBytes + " bytes for " + threads + " workers");
    }
    int fetch = (int) Math.max(MIN_FETCH_BYTES, Math.min(KAFKA_FETCH_MAX_BYTES, budgetBytes / 8));
    int partition = Math.min(KAFKA_PARTITION_FETCH_MAX_BYTES, fetch);
    long held = budgetBytes - fetch;
    return new MemoryPlan(budgetBytes, fetch, partition, held, Math.max(1, held / threads));
  }
}
