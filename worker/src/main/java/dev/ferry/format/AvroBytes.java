package dev.ferry.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;

/**
 * Length-prefixed reads (bytes, strings) and block counts (arrays, maps), checked against the bytes
 * left in the body before anything is allocated: a corrupt length never allocates more than the
 * record's own size. Stateless.
 */
final class AvroBytes {
  /**
   * Items of a zero-width type (null, an empty record) take no bytes, so the body cannot bound
   * their count; a block of more than this many is taken as corrupt.
   */
  static final long MAX_ZERO_WIDTH_ITEMS = 1 << 20;

  private AvroBytes() {}

  static byte[] bytes(BinaryDecoder in) throws IOException {
    long length = in.readLong();
    int left = in.remainingBytes();
    if (length < 0 || length > left) {
      throw new AvroDataException(
          "a bytes or string value says it has "
              + length
              + " byte(s), but the body has "
              + left
              + " left (truncated or corrupt)");
    }
    byte[] value = new byte[(int) length];
    in.readFixed(value, 0, value.length);
    return value;
  }

  /** A string: UTF-8 bytes (a malformed sequence becomes U+FFFD, as Avro's own reader does). */
  static String string(BinaryDecoder in) throws IOException {
    return new String(bytes(in), StandardCharsets.UTF_8);
  }

  static byte[] fixed(BinaryDecoder in, int size) throws IOException {
    byte[] value = new byte[size];
    in.readFixed(value, 0, size);
    return value;
  }

  /** Refuses a block count its body cannot hold. */
  static void checkCount(BinaryDecoder in, long count, boolean zeroWidth, String what)
      throws AvroDataException {
    long limit = zeroWidth ? MAX_ZERO_WIDTH_ITEMS : in.remainingBytes();
    if (count < 0 || count > limit) {
      throw new AvroDataException(
          "a block of "
              + what
              + " says it has "
              + count
              + " item(s), more than the body can hold ("
              + in.remainingBytes()
              + " byte(s) left; truncated or corrupt)");
    }
  }
}
