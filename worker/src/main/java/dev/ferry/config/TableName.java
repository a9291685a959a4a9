package dev.ferry.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated table name, optionally schema-qualified. Only plain identifiers are accepted, so the
 * quoted form can be put into SQL text safely.
 */
public record TableName(Optional<String> schema, String name) {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public static boolean isIdentifier(String text) {
    return IDENTIFIER.matcher(text).matches();
  }

  /**
   * Parses {@code name} or {@code schema.name}; empty when either part is not a plain identifier.
   */
  public static Optional<TableName> parse(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length == 1 && isIdentifier(parts[0])) {
      return Optional.of(new TableName(Optional.empty(), parts[0]));
    }
    if (parts.length == 2 && isIdentifier(parts[0]) && isIdentifier(parts[1])) {
      return Optional.of(new TableName(Optional.of(parts[0]), parts[1]));
    }
    return Optional.empty();
  }

  public static String quote(String identifier) {
    return '"' + identifier + '"';
  }

  /** The name as SQL text, each part double-quoted. */
  public String quoted() {
    return schema.map(s -> quote(s) + ".").orElse("") + quote(name);
  }

  @Override
  public String toString() {
    return schema.map(s -> s + ".").orElse("") + name;
  }
}
