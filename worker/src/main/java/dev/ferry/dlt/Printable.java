package dev.ferry.dlt;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Makes text from records safe to print on a terminal: control characters (C0, DEL, C1, such as ESC
 * and CSI, which start terminal escape sequences) and invisible format characters (such as
 * bidirectional overrides) are shown as escapes ({@code \n}, {@code \x1b}, {@code \u202e}), so that
 * what a record holds can never move the cursor, recolour or retitle the terminal. Pure.
 */
public final class Printable {
  private Printable() {}

  public static String escape(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (!needsEscape(ch)) {
        if (b != null) {
          b.append(ch);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      switch (ch) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default ->
            b.append(
                ch < 0x100
                    ? String.format("\\x%02x", (int) ch)
                    : String.format("\\u%04x", (int) ch));
      }
    }
    return b == null ? text : b.toString();
  }

  /** Whether a character is a control or format character (Unicode categories Cc and Cf). */
  public static boolean needsEscape(int ch) {
    int type = Character.getType(ch);
    return type == Character.CONTROL || type == Character.FORMAT;
  }

  /**
   * JSON escapes that also escape what JSON allows raw but a terminal obeys: DEL, C1 controls and
   * format characters, as {@code \u009b}. Set on the factory of the mapper that prints records.
   */
  public static final class JsonEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    public JsonEscapes() {
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return needsEscape(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  }
}
