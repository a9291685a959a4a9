package dev.ferry.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.RecordFailure;

/**
 * How a pipeline reads a record's value (or key) bytes: into the JSON object its columns point
 * into. Plain JSON, or a schema registry's framing (magic byte 0, a 4-byte big-endian schema id)
 * around an Avro or Protobuf body, read with the writer's schema fetched by id. Numbers keep their
 * exact value (decimals as {@code BigDecimal}), bytes are {@code BinaryNode}s, dates and times are
 * ISO-8601 text. Implementations are thread-safe.
 */
public interface ValueFormat {
  /**
   * The decoded object.
   *
   * @throws RecordFailure the record's own fault (not JSON, wrong magic byte, a schema id the
   *     registry does not know, a body its schema cannot read): it is dead-lettered
   * @throws RegistryUnavailableException the registry could not be asked (down, timed out, refused
   *     the credentials): transient, the record is read again later, never dead-lettered
   */
  ObjectNode decode(byte[] bytes) throws RecordFailure, RegistryUnavailableException;
}
