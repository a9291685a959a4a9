package dev.ferry.sink;

import java.util.Arrays;

/**
 * Rows in the text format of {@code COPY … FROM STDIN}, encoded straight into one growing UTF-8
 * buffer: columns separated by a tab, rows ended by a newline, SQL NULL as {@code \N}, and the four
 * characters the format gives a meaning escaped ({@code \\}, {@code \t}, {@code \n}, {@code \r}).
 * With every backslash of a value doubled, no value can end the data early ({@code \.}) or read as
 * NULL. A lone surrogate becomes {@code ?}, as {@link String#getBytes} and PgJDBC's bound
 * parameters encode it. Not thread-safe: one per COPY.
 */
final class CopyText {
  private byte[] bytes;
  private int size;

  /** A buffer sized for {@code expectedBytes} (it grows beyond that when needed). */
  CopyText(int expectedBytes) {
    this.bytes = new byte[Math.max(64, expectedBytes)];
  }

  /** Appends one row; {@code null} is SQL NULL. */
  void row(String[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        put((byte) '\t');
      }
      value(values[i]);
    }
    put((byte) '\n');
  }

  private void value(String v) {
    if (v == null) {
      ensure(2);
      bytes[size++] = '\\';
      bytes[size++] = 'N';
      return;
    }
    int length = v.length();
    // Every char takes at most 3 bytes (a surrogate pair's two chars take 4), an escape 2.
    ensure(3 * length);
    byte[] b = bytes;
    int at = size;
    for (int k = 0; k < length; k++) {
      char ch = v.charAt(k);
      if (ch < 0x80) {
        switch (ch) {
          case '\\' -> {
            b[at++] = '\\';
            b[at++] = '\\';
          }
          case '\t' -> {
            b[at++] = '\\';
            b[at++] = 't';
          }
          case '\n' -> {
            b[at++] = '\\';
            b[at++] = 'n';
          }
          case '\r' -> {
            b[at++] = '\\';
            b[at++] = 'r';
          }
          default -> b[at++] = (byte) ch;
        }
      } else if (ch < 0x800) {
        b[at++] = (byte) (0xC0 | ch >> 6);
        b[at++] = (byte) (0x80 | ch & 0x3F);
      } else if (Character.isSurrogate(ch)) {
        if (Character.isHighSurrogate(ch)
            && k + 1 < length
            && Character.isLowSurrogate(v.charAt(k + 1))) {
          int cp = Character.toCodePoint(ch, v.charAt(++k));
          b[at++] = (byte) (0xF0 | cp >> 18);
          b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
          b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
          b[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
          b[at++] = '?';
        }
      } else {
        b[at++] = (byte) (0xE0 | ch >> 12);
        b[at++] = (byte) (0x80 | ch >> 6 & 0x3F);
        b[at++] = (byte) (0x80 | ch & 0x3F);
      }
    }
    size = at;
  }

  private void put(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  /** The encoded rows: the first {@link #size()} bytes. */
  byte[] bytes() {
    return bytes;
  }

  int size() {
    return size;
  }
}
