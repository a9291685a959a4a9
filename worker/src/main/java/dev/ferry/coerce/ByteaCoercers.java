package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;

/**
 * The coercers of {@code bytea}, all writing Postgres' hex text ({@code \x…}, lower case), which a
 * bound parameter and COPY's text format (its backslash doubled) both read as the same bytes.
 * Binary values (a change event's or Avro's bytes) are always taken; a JSON string only in the
 * encoding its column declares ({@code base64} or {@code hex}), never guessed. Stateless.
 */
final class ByteaCoercers {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ByteaCoercers() {}

  /** Without a declaration: binary only, a string's encoding being unknown. */
  static String binary(JsonNode v) throws CoercionException {
    if (!v.isBinary()) {
      throw new CoercionException(
          "bytea takes binary values only (from a change event's bytes), got "
              + kind(v)
              + " "
              + show(v)
              + ": the encoding of a JSON string (base64, hex, text) is unknown; declare it in"
              + " column-formats");
    }
    return hex(bytes(v));
  }

  /**
   * A base64 string (RFC 4648 §4: {@code A–Z a–z 0–9 + /}, padding optional, no line breaks or
   * URL-safe letters), or binary.
   */
  static String base64(JsonNode v) throws CoercionException {
    if (v.isBinary()) {
      return hex(bytes(v));
    }
    if (!v.isTextual()) {
      throw new CoercionException("expected a base64 string, got " + kind(v) + " " + show(v));
    }
    try {
      return hex(Base64.getDecoder().decode(v.textValue()));
    } catch (IllegalArgumentException e) {
      throw new CoercionException(show(v) + " is not base64 (column-formats): " + e.getMessage());
    }
  }

  /** A string of hex digits, two per byte, either case, without a prefix; or binary. */
  static String hexText(JsonNode v) throws CoercionException {
    if (v.isBinary()) {
      return hex(bytes(v));
    }
    if (!v.isTextual()) {
      throw new CoercionException("expected a hex string, got " + kind(v) + " " + show(v));
    }
    String s = v.textValue();
    if (s.length() % 2 != 0) {
      throw new CoercionException(
          show(v) + " is not hex (column-formats): an odd number of digits (" + s.length() + ")");
    }
    StringBuilder out = new StringBuilder(2 + s.length()).append("\\x");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int digit = Character.digit(c, 16);
      if (digit < 0 || c > 'f') {
        throw new CoercionException(
            show(v)
                + " is not hex (column-formats): '"
                + c
                + "' at index "
                + i
                + " is no hex digit");
      }
      out.append(HEX[digit]);
    }
    return out.toString();
  }

  /** {@code bytes} as Postgres' hex text. */
  static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder(2 + 2 * bytes.length).append("\\x");
    for (byte b : bytes) {
      hex.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
    return hex.toString();
  }

  private static byte[] bytes(JsonNode v) throws CoercionException {
    try {
      return v.binaryValue();
    } catch (IOException e) {
      throw new CoercionException("the binary value cannot be read: " + e.getMessage());
    }
  }
}
