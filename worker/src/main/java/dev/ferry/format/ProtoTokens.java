package dev.ferry.format;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of a {@code .proto} text, comments dropped: words (identifiers, dotted names,
 * keywords, numbers), quoted strings (without their quotes; escapes are kept as written, which is
 * enough for import paths and ignored option values) and single punctuation characters.
 */
final class ProtoTokens {
  /** One token, and the line it is on for error messages. */
  record Token(String text, boolean quoted, int line) {}

  private final List<Token> tokens;
  private int next;

  private ProtoTokens(List<Token> tokens) {
    this.tokens = tokens;
  }

  /**
   * The tokens of {@code text}.
   *
   * @throws RecordFailure reason {@code invalid-protobuf}: an unterminated string or comment
   */
  static ProtoTokens of(String text) throws RecordFailure {
    List<Token> tokens = new ArrayList<>();
    int line = 1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw syntax(line, "a comment is not closed");
        }
        line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end + 2;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != c) {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= text.length()) {
          throw syntax(line, "a string is not closed");
        }
        tokens.add(new Token(text.substring(i + 1, end), true, line));
        i = end + 1;
      } else if (isWordChar(c)) {
        int end = i;
        while (end < text.length() && isWordChar(text.charAt(end))) {
          end++;
        }
        tokens.add(new Token(text.substring(i, end), false, line));
        i = end;
      } else {
        tokens.add(new Token(String.valueOf(c), false, line));
        i++;
      }
    }
    return new ProtoTokens(tokens);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }

  boolean atEnd() {
    return next >= tokens.size();
  }

  /** The next token's text without taking it; empty at the end. */
  String peek() {
    return atEnd() ? "" : tokens.get(next).text();
  }

  /** Takes the next token if it is the unquoted {@code text}. */
  boolean take(String text) {
    if (!atEnd() && !tokens.get(next).quoted() && tokens.get(next).text().equals(text)) {
      next++;
      return true;
    }
    return false;
  }

  /** Takes the next token, which must be the unquoted {@code text}. */
  void expect(String text) throws RecordFailure {
    if (!take(text)) {
      throw error("expected '" + text + "'");
    }
  }

  /** Takes the next token, a word (a name or a number). */
  String word() throws RecordFailure {
    if (atEnd() || tokens.get(next).quoted() || !isWordChar(tokens.get(next).text().charAt(0))) {
      throw error("expected a name");
    }
    return tokens.get(next++).text();
  }

  /** Takes the next token, a quoted string. */
  String string() throws RecordFailure {
    if (atEnd() || !tokens.get(next).quoted()) {
      throw error("expected a quoted string");
    }
    return tokens.get(next++).text();
  }

  /** Takes an integer, maybe negative, decimal, hex ({@code 0x}) or octal (leading 0). */
  int integer() throws RecordFailure {
    boolean negative = take("-");
    if (atEnd() || tokens.get(next).quoted() || !Character.isDigit(peek().charAt(0))) {
      throw error("expected an integer");
    }
    String digits = word();
    try {
      long value;
      if (digits.startsWith("0x") || digits.startsWith("0X")) {
        value = Long.parseLong(digits.substring(2), 16);
      } else if (digits.length() > 1 && digits.startsWith("0")) {
        value = Long.parseLong(digits.substring(1), 8);
      } else {
        value = Long.parseLong(digits);
      }
      return Math.toIntExact(negative ? -value : value);
    } catch (NumberFormatException | ArithmeticException e) {
      throw error("'" + digits + "' is not an integer");
    }
  }

  /**
   * Skips everything up to and including the next {@code ;} outside brackets, or up to and
   * including a closing brace that balances one opened here (an option's value, a service).
   */
  void skipStatement() throws RecordFailure {
    int depth = 0;
    while (!atEnd()) {
      String text = peek();
      boolean quoted = tokens.get(next).quoted();
      next++;
      if (quoted) {
        continue;
      }
      if (text.equals("{") || text.equals("[") || text.equals("(")) {
        depth++;
      } else if (text.equals("}") || text.equals("]") || text.equals(")")) {
        depth--;
        if (depth == 0 && text.equals("}")) {
          take(";");
          return;
        }
      } else if (text.equals(";") && depth == 0) {
        return;
      }
    }
    throw error("the file ends inside a statement");
  }

  /** A failure naming the line of the next token. */
  RecordFailure error(String message) {
    int line = atEnd() ? (tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).line()) : line();
    String found = atEnd() ? "the end of the file" : "'" + peek() + "'";
    return syntax(line, message + ", found " + found);
  }

  private int line() {
    return tokens.get(next).line();
  }

  private static RecordFailure syntax(int line, String message) {
    return new RecordFailure(
        Reason.INVALID_PROTOBUF, "the .proto schema cannot be read: line " + line + ": " + message);
  }
}
