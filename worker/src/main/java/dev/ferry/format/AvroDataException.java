package dev.ferry.format;

import java.io.IOException;

/**
 * An Avro body holds what its schema cannot mean: a union branch or enum symbol out of range, a
 * length longer than the bytes left, a time outside a day. The message says which.
 */
final class AvroDataException extends IOException {
  private static final long serialVersionUID = 1L;

  AvroDataException(String message) {
    super(message);
  }
}
