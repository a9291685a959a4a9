package dev.ferry.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.RecordFailure;
import java.util.Map;

/** STUB. */
public record DebeziumKey(ObjectNode fields, Map<String, FieldType> types) {
  public static DebeziumKey read(byte[] key) throws RecordFailure {
    throw new UnsupportedOperationException();
  }
}
