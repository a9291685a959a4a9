package dev.ferry.ddl;

import java.util.Locale;

/**
 * The column a plain record's field becomes when Ferry creates or adds it: the field's snake_case
 * form, the same rule by which a column takes a field by name ({@code userId} → {@code user_id},
 * {@code HTTPStatus} → {@code http_status}, {@code user-id} → {@code user_id}), so the column Ferry
 * creates is the one the field then fills. Stateless.
 */
public final class ColumnNames {
  private ColumnNames() {}

  /**
   * A field name in snake_case: a '_' before an upper-case letter that follows a lower-case letter
   * or digit, or that starts a word after an acronym; every letter lower-cased; every character
   * other than an ASCII letter, digit or '_' becomes '_' ({@code userId} → {@code user_id}, {@code
   * HTTPStatus} → {@code http_status}, {@code user-id} → {@code user_id}). Columns by name and the
   * columns a table is created with use this one rule.
   */
  public static String snakeCase(String field) {
    StringBuilder out = new StringBuilder(field.length() + 4);
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char before = field.charAt(i - 1);
        boolean afterWord = Character.isLowerCase(before) || Character.isDigit(before);
        boolean endOfAcronym =
            Character.isUpperCase(before)
                && i + 1 < field.length()
                && Character.isLowerCase(field.charAt(i + 1));
        if (afterWord || endOfAcronym) {
          out.append('_');
        }
      }
      out.append(c);
    }
    String lower = out.toString().toLowerCase(Locale.ROOT);
    StringBuilder clean = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      clean.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return clean.toString();
  }
}
