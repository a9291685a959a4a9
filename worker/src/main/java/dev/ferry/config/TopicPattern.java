package dev.ferry.config;

import java.util.regex.Pattern;

/**
 * A pipeline's {@code topic-pattern}: a Java regular expression that a topic's whole name must
 * match. Immutable; equal when the expressions are the same text.
 */
public final class TopicPattern {
  private final Pattern pattern;

  private TopicPattern(Pattern pattern) {
    this.pattern = pattern;
  }

  /**
   * Compiles {@code regex}.
   *
   * @throws java.util.regex.PatternSyntaxException when it is not a valid Java regular expression
   */
  public static TopicPattern compile(String regex) {
    return new TopicPattern(Pattern.compile(regex));
  }

  /** The compiled expression; its groups ({@code {1}}…) are what a table template may use. */
  public Pattern pattern() {
    return pattern;
  }

  /** The expression as written. */
  public String regex() {
    return pattern.pattern();
  }

  /** Whether {@code topic}'s whole name matches. */
  public boolean matches(String topic) {
    return pattern.matcher(topic).matches();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicPattern other && other.regex().equals(regex());
  }

  @Override
  public int hashCode() {
    return regex().hashCode();
  }

  @Override
  public String toString() {
    return regex();
  }
}
