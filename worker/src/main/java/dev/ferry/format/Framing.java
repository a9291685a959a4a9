package dev.ferry.format;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;

/**
 * The schema registry's wire framing: a magic byte 0, then the schema id as a 4-byte big-endian
 * integer, then the body (for Protobuf, the message indexes come first, read by its format).
 *
 * @param schemaId the id to fetch the writer's schema by
 * @param bodyOffset where the body starts in the bytes
 */
public record Framing(int schemaId, int bodyOffset) {
  /** The length of the magic byte and the schema id. */
  public static final int HEADER = 5;

  /**
   * Reads the framing of {@code bytes}.
   *
   * @throws RecordFailure reason {@code invalid-framing}: too short, or not magic byte 0
   */
  public static Framing read(byte[] bytes) throws RecordFailure {
    if (bytes.length < HEADER) {
      throw new RecordFailure(
          Reason.INVALID_FRAMING,
          "the value has "
              + bytes.length
              + " byte(s), fewer than the 5 of the registry framing (magic byte 0 and a 4-byte"
              + " schema id)");
    }
    if (bytes[0] != 0) {
      throw new RecordFailure(
          Reason.INVALID_FRAMING,
          "the value starts with byte "
              + (bytes[0] & 0xff)
              + ", not the registry framing's magic byte 0 (is the producer using a registry"
              + " serializer?)");
    }
    int id =
        ((bytes[1] & 0xff) << 24)
            | ((bytes[2] & 0xff) << 16)
            | ((bytes[3] & 0xff) << 8)
            | (bytes[4] & 0xff);
    return new Framing(id, HEADER);
  }
}
