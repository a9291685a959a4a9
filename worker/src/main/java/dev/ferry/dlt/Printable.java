package dev.ferry.dlt;

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
}
