package dev.ferry.dlt;

import java.util.List;

/**
 * The options of a {@code ferry dlt} command cannot be used; the message lists every problem, as
 * the config's errors are listed (exit code 2).
 */
public final class DltOptionsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public DltOptionsException(List<String> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  /** Throws when {@code problems} holds any. */
  public static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new DltOptionsException(problems);
    }
  }

  private static String describe(List<String> problems) {
    StringBuilder b =
        new StringBuilder("invalid options (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    problems.forEach(p -> b.append(System.lineSeparator()).append("  - ").append(p));
    return b.toString();
  }
}
