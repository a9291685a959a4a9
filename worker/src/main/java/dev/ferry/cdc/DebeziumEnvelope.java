package dev.ferry.cdc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.RecordFailure;

/** STUB. */
public final class DebeziumEnvelope {
  private DebeziumEnvelope() {}

  public static ChangeEvent read(ObjectNode value) throws RecordFailure {
    throw new UnsupportedOperationException();
  }
}
