package dev.ferry.dlt;

import java.util.List;

/**
 * The usage error of {@code ferry dlt}: the options of a command cannot be used as given (bad
 * values, or a replay name that would not do what was asked); the message lists every problem, as
 * the config's errors are listed. The command exits 2. Checked, so that only what is known to be a
 * usage error is reported as one.
 */
public final class DltOptionsException extends Exception {
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
  public static void throwIfAny(List<String> problems) throws DltOptionsException {
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
