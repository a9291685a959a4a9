package dev.ferry.cdc;

/**
 * Where a {@link ChangeEvent#position()} comes from, in the order {@link DebeziumEnvelope} looks.
 * Positions of different kinds are not comparable; those of one kind are, for the same source
 * table.
 */
public enum PositionKind {
  /**
   * {@code source.lsn} (PostgreSQL): the WAL position of the change itself. Two changes of one row
   * inside one transaction have different, increasing LSNs (seen on real output); a row's changes
   * are in commit order, since a row lock is held until commit. Snapshot reads ({@code r}) all
   * carry the snapshot's LSN.
   */
  LSN,
  /**
   * {@code source.ts_ms}: when the change was made in the source database (its commit time), in
   * milliseconds; changes of one transaction share it.
   */
  SOURCE_TS_MS,
  /** The payload's top-level {@code ts_ms}: when the connector processed the event. */
  TS_MS,
  /** None of them: the position is {@link ChangeEvent#NO_POSITION}. */
  NONE
}
