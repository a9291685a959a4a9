package dev.ferry.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Running totals of what the workers did. Thread-safe; cheap to update from every worker. */
public final class WorkerCounters {
  private final LongAdder applied = new LongAdder();
  private final LongAdder tombstonesSkipped = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder transactions = new LongAdder();
  private final LongAdder fenced = new LongAdder();

  public void addApplied(int records) {
    applied.add(records);
  }

  public void addTombstoneSkipped() {
    tombstonesSkipped.increment();
  }

  public void addDeadLettered() {
    deadLettered.increment();
  }

  public void addRetry() {
    retries.increment();
  }

  public void addTransaction() {
    transactions.increment();
  }

  public void addFenced() {
    fenced.increment();
  }

  /** Transactions rolled back because another worker had claimed one of their partitions. */
  public long fenced() {
    return fenced.sum();
  }

  public long applied() {
    return applied.sum();
  }

  public long tombstonesSkipped() {
    return tombstonesSkipped.sum();
  }

  public long deadLettered() {
    return deadLettered.sum();
  }

  public long retries() {
    return retries.sum();
  }

  public long transactions() {
    return transactions.sum();
  }
}
