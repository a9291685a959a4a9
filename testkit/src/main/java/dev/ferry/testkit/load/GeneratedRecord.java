package dev.ferry.testkit.load;

import java.nio.charset.StandardCharsets;

/**
 * One record the load generator sends: the key is the user id, the value an event's JSON or a bad
 * variant of it.
 *
 * @param event the event the value encodes; for a bad record, the event it was derived from
 * @param badKind null for a good record
 */
public record GeneratedRecord(
    long index, String key, String value, Event event, BadRecordKind badKind) {

  public boolean isGood() {
    return badKind == null;
  }

  public byte[] keyBytes() {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  public byte[] valueBytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
