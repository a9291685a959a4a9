package dev.ferry.sink;

/**
 * One write to one table, and the record it came from.
 *
 * @param pipeline the pipeline the record belongs to
 * @param target which of the pipeline's tables: {@link PostgresSink#targetKey}
 * @param values for an upsert or insert: SQL text per mapped column in the target's column order;
 *     for a delete: the key column values in key-column order; {@code null} is SQL NULL
 * @param delete whether this row deletes by key (a tombstone) instead of inserting
 */
public record Row(String pipeline, String target, String[] values, Origin origin, boolean delete) {
  public static Row insert(String pipeline, String target, String[] values, Origin origin) {
    return new Row(pipeline, target, values, origin, false);
  }

  public static Row delete(String pipeline, String target, String[] keyValues, Origin origin) {
    return new Row(pipeline, target, keyValues, origin, true);
  }
}
