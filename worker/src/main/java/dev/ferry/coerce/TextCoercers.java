package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.format.RawJson;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The coercers of values written as text: {@code text}, {@code varchar(n)}, {@code char(n)}, the
 * strings Postgres parses itself (enums, {@code time}, {@code interval}, {@code inet} …), {@code
 * uuid} and {@code jsonb}. Refuses what Postgres cannot store (a NUL character) and what the column
 * would cut (a text longer than n characters). Stateless.
 */
final class TextCoercers {
  private static final Pattern UUID =
      Pattern.compile(
          "\\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?"
              + "([0-9a-fA-F]{12})\\}?");

  private TextCoercers() {}

  /**
   * Strings as they are, numbers and booleans as written, objects and arrays as JSON text.
   *
   * @param maxLength the column's length in characters; -1 for none
   */
  static String text(JsonNode v, int maxLength) throws CoercionException {
    String s;
    if (v.isTextual()) {
      s = v.textValue();
    } else if (v.isBigDecimal()) {
      s = v.decimalValue().toPlainString();
    } else if (v.isValueNode()) {
      s = v.asText();
    } else {
      s = v.toString();
    }
    if (s.indexOf('\u0000') >= 0) {
      throw new CoercionException(
          "the text holds a NUL character (\\u0000), which Postgres cannot store in text",
          CoercionException.NUL_CHARACTER);
    }
    if (maxLength >= 0) {
      int length = s.codePointCount(0, s.length());
      if (length > maxLength) {
        throw new CoercionException(
            "the text is "
                + length
                + " characters long, the column allows "
                + maxLength
                + " (Ferry does not truncate)");
      }
    }
    return s;
  }

  /** A JSON string only, as it is: for the types Postgres parses from text itself. */
  static String string(JsonNode v) throws CoercionException {
    if (!v.isTextual()) {
      throw new CoercionException("expected a string, got " + kind(v) + " " + show(v));
    }
    return text(v, -1);
  }

  /**
   * Any JSON value as its text. An object or array that kept the text it was read from ({@link
   * RawJson}) is sent as that text, not written out again: Postgres parses jsonb input into its own
   * form, where key order, whitespace, duplicate keys (the last wins, as in the tree), the spelling
   * of numbers ({@code 1.0E2} and {@code 100.0} are one numeric) and of string escapes do not
   * survive, so the record's text and the tree's text are the same jsonb value. Not for {@code
   * json}, which Postgres stores verbatim. The one difference kept out: an escaped lone surrogate
   * (backslash, {@code ud800}), which Postgres refuses but the tree's text sends as a replaced
   * character; text with any escaped surrogate is written from the tree, as before.
   */
  static String jsonb(JsonNode v) throws CoercionException {
    String json = v instanceof RawJson raw ? raw.rawJson() : null;
    if (json == null || holdsSurrogateEscape(json)) {
      json = v.toString();
    }
    if (holdsNul(json)) {
      throw new CoercionException(
          "the JSON holds a NUL character (\\u0000) in a string or field name, which Postgres"
              + " cannot store in jsonb",
          CoercionException.NUL_CHARACTER);
    }
    return json;
  }

  /**
   * Whether JSON text written by Jackson holds the escape of a NUL character (backslash, {@code
   * u0000}) whose backslash is not itself escaped: an escaped backslash followed by the text {@code
   * u0000} is no NUL. A text scan, as cheap as the serialisation it follows.
   */
  static boolean holdsNul(String json) {
    for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
      int backslashes = 0;
      for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether JSON text holds an escaped UTF-16 surrogate (a backslash, {@code u}, then D800 to DFFF)
   * whose backslash is not itself escaped.
   */
  static boolean holdsSurrogateEscape(String json) {
    for (int at = json.indexOf("\\u"); at >= 0; at = json.indexOf("\\u", at + 1)) {
      int backslashes = 0;
      for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 0
          && at + 3 < json.length()
          && (json.charAt(at + 2) == 'd' || json.charAt(at + 2) == 'D')
          && "89abAB".indexOf(json.charAt(at + 3)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** 32 hex digits, with or without hyphens and braces, in the canonical lower-case spelling. */
  static String uuid(JsonNode v) throws CoercionException {
    if (v.isTextual() && isCanonicalUuid(v.textValue())) {
      return v.textValue().toLowerCase(Locale.ROOT); // the usual spelling, without the regex
    }
    var m = v.isTextual() ? UUID.matcher(v.textValue()) : null;
    if (m == null || !m.matches() || braces(v.textValue())) {
      throw new CoercionException(show(v) + " is not a UUID");
    }
    return (m.group(1) + '-' + m.group(2) + '-' + m.group(3) + '-' + m.group(4) + '-' + m.group(5))
        .toLowerCase(Locale.ROOT);
  }

  /** {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} in hex digits of either case. */
  private static boolean isCanonicalUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
      if (hyphen
          ? c != '-'
          : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  /** Unbalanced braces: one without the other. */
  private static boolean braces(String s) {
    return s.startsWith("{") != s.endsWith("}");
  }
}
