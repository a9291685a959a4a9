package dev.ferry.metrics;

/**
 * Why a record completed without a write: the {@code reason} label of {@code
 * ferry_records_skipped_total}. {@code docs/metrics.md} lists the same labels ({@code
 * SkipReasonDocsTest} holds the two together).
 */
public enum SkipReason {
  /** A tombstone (null value) under the pipeline's {@code skip} policy. */
  TOMBSTONE("tombstone"),
  /** The pipeline's transform turned the record into no rows. */
  NO_ROWS("no-rows"),
  /** A replayed copy of an original record a replay applied before. */
  ALREADY_APPLIED("already-applied"),
  /**
   * A change (or a versioned upsert) older than what its row already reflects: newer wins, the
   * record is complete without a write.
   */
  STALE("stale"),
  /** A change event's truncate under the pipeline's {@code truncate: skip} setting. */
  TRUNCATE("truncate");

  private final String label;

  SkipReason(String label) {
    this.label = label;
  }

  /** The label value, e.g. {@code no-rows}. */
  public String label() {
    return label;
  }
}
