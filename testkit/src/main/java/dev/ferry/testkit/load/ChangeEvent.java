package dev.ferry.testkit.load;

import java.nio.charset.StandardCharsets;

/**
 * One Debezium change event {@link ChangeEventSequence} made: the record key and value as JSON
 * text, and what they say, for checks.
 *
 * @param index the event's place in its sequence, from 0
 * @param id the row's primary key, the key's {@code id}
 * @param op {@code c} for the key's first event, {@code u} after
 * @param lsn {@code source.lsn}, strictly increasing along the sequence
 * @param seq the row's {@code seq} column, {@code index + 1}
 */
public record ChangeEvent(
    long index, long id, String op, long lsn, long seq, String key, String value) {

  public byte[] keyBytes() {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  public byte[] valueBytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
