package dev.ferry.sink;

/**
 * One write to one table, and the record it came from.
 *
 * @param pipeline the pipeline the record belongs to
 * @param target which of the pipeline's tables: {@link PostgresSink#targetKey}
 * @param kind what the row does
 * @param values for a {@link Kind#WRITE}: SQL text per column in the target's column order ({@link
 *     TableWriter#columnNames()}), where {@link #UNCHANGED} leaves the stored value as it is; for a
 *     {@link Kind#DELETE}: the key column values in key-column order; empty for a {@link
 *     Kind#TRUNCATE}; {@code null} is SQL NULL
 * @param position the change's position at its source (a PostgreSQL LSN, or a time in
 *     milliseconds), compared against what the row already reflects so that an older change is
 *     never applied over a newer one; {@link #NO_POSITION} when the row has none
 */
public record Row(
    String pipeline, String target, Kind kind, String[] values, Origin origin, long position) {
  /** What a row does to its table. */
  public enum Kind {
    /** Inserts the row, or upserts it by the key columns (the target's mode says which). */
    WRITE,
    /** Deletes the rows whose key columns equal {@code values}. */
    DELETE,
    /** Deletes every row of the table. */
    TRUNCATE
  }

  /** The position of a row that has none: no newer-wins check. */
  public static final long NO_POSITION = Long.MIN_VALUE;

  /**
   * The value of a column the row leaves as stored (an unchanged TOAST column of a change event),
   * compared by identity: a partial update, and the column's default when the row is new.
   */
  public static final String UNCHANGED = new String("(unchanged)"); // NOPMD: a distinct instance

  public static Row insert(String pipeline, String target, String[] values, Origin origin) {
    return new Row(pipeline, target, Kind.WRITE, values, origin, NO_POSITION);
  }

  public static Row delete(String pipeline, String target, String[] keyValues, Origin origin) {
    return new Row(pipeline, target, Kind.DELETE, keyValues, origin, NO_POSITION);
  }

  public static Row truncate(String pipeline, String target, Origin origin) {
    return new Row(pipeline, target, Kind.TRUNCATE, new String[0], origin, NO_POSITION);
  }

  /** This row at source position {@code position}. */
  public Row at(long position) {
    return new Row(pipeline, target, kind, values, origin, position);
  }

  /** Whether this row deletes by key. */
  public boolean delete() {
    return kind == Kind.DELETE;
  }

  public boolean hasPosition() {
    return position != NO_POSITION;
  }

  /** Whether {@code value}, one of {@link #values()}, leaves its column as stored. */
  public static boolean isUnchanged(String value) {
    return value == UNCHANGED;
  }
}
