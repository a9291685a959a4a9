package dev.ferry.sink;

/**
 * One write for one pipeline's table, and the record it came from.
 *
 * @param values for an upsert or insert: SQL text per mapped column in the pipeline's column order;
 *     for a delete: the key column values in key-column order; {@code null} is SQL NULL
 * @param delete whether this row deletes by key (a tombstone) instead of inserting
 */
public record Row(String pipeline, String[] values, Origin origin, boolean delete) {
  public static Row insert(String pipeline, String[] values, Origin origin) {
    return new Row(pipeline, values, origin, false);
  }

  public static Row delete(String pipeline, String[] keyValues, Origin origin) {
    return new Row(pipeline, keyValues, origin, true);
  }
}
