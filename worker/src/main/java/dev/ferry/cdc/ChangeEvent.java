package dev.ferry.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** STUB, replaced by helper A's. */
public record ChangeEvent(
    Op op,
    ObjectNode payload,
    ObjectNode before,
    ObjectNode after,
    ObjectNode source,
    long position,
    Map<String, FieldType> beforeTypes,
    Map<String, FieldType> afterTypes) {
  /** Op. */
  public enum Op {
    READ,
    CREATE,
    UPDATE,
    DELETE,
    TRUNCATE
  }
}
