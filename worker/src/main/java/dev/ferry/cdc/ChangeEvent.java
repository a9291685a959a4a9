package dev.ferry.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One Debezium change event, read by {@link DebeziumEnvelope#read}: what happened and the row
 * images, without the Connect schema wrapper.
 *
 * @param op what happened
 * @param before the row before the change: null for {@code r}, {@code c}, {@code t}, and for {@code
 *     u} under the default replica identity; for {@code d} the old row (under the default replica
 *     identity only its key columns are real, the others null or filler), or null
 * @param after the row after the change: an object for {@code r}, {@code c}, {@code u}; null for
 *     {@code d} and {@code t}
 * @param source the {@code source} block (connector, db, schema, table, lsn, txId …); empty when
 *     the event has none
 * @param payload the whole payload (the value without the wrapper), for explicit JSON Pointers
 * @param position where the change stands in its source's order; see {@link #positionKind}
 * @param positionKind where {@code position} comes from: {@code source.lsn} when it is a whole
 *     number (PostgreSQL), else {@code source.ts_ms}, else the payload's {@code ts_ms}, else none
 *     ({@link #NO_POSITION})
 * @param afterTypes the Connect schema of each field of {@code after}, when the event had a schema;
 *     empty when schemas are off
 * @param beforeTypes the same for {@code before}
 */
public record ChangeEvent(
    Op op,
    ObjectNode before,
    ObjectNode after,
    ObjectNode source,
    ObjectNode payload,
    long position,
    PositionKind positionKind,
    Map<String, FieldType> afterTypes,
    Map<String, FieldType> beforeTypes) {

  /** The position of an event that has none; the same value as the sink's {@code NO_POSITION}. */
  public static final long NO_POSITION = Long.MIN_VALUE;

  public ChangeEvent {
    afterTypes = Map.copyOf(afterTypes);
    beforeTypes = Map.copyOf(beforeTypes);
  }

  /**
   * The row the event is about: {@code after} for {@code r}, {@code c} and {@code u}, {@code
   * before} for {@code d} (may be null), null for {@code t}.
   */
  public ObjectNode row() {
    return switch (op) {
      case READ, CREATE, UPDATE -> after;
      case DELETE -> before;
      case TRUNCATE -> null;
    };
  }

  /** The field types of {@link #row()}; empty when schemas are off (or for {@code t}). */
  public Map<String, FieldType> rowTypes() {
    return switch (op) {
      case READ, CREATE, UPDATE -> afterTypes;
      case DELETE -> beforeTypes;
      case TRUNCATE -> Map.of();
    };
  }

  /** Whether the event carries a position ({@link #positionKind} is not {@code NONE}). */
  public boolean hasPosition() {
    return positionKind != PositionKind.NONE;
  }
}
