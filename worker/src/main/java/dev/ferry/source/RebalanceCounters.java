package dev.ferry.source;

import java.util.concurrent.atomic.AtomicLong;

/** Counts rebalance callbacks of this worker's consumer. Thread-safe. */
public final class RebalanceCounters {
  private final AtomicLong assignments = new AtomicLong();
  private final AtomicLong revocations = new AtomicLong();
  private final AtomicLong losses = new AtomicLong();

  void assigned() {
    assignments.incrementAndGet();
  }

  void revoked() {
    revocations.incrementAndGet();
  }

  void lost() {
    losses.incrementAndGet();
  }

  /** Callbacks that assigned partitions (the first join counts as one). */
  public long assignments() {
    return assignments.get();
  }

  /** Callbacks that took partitions away cleanly. */
  public long revocations() {
    return revocations.get();
  }

  /** Callbacks that reported partitions lost (the group moved on without us). */
  public long losses() {
    return losses.get();
  }
}
