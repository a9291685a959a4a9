package dev.ferry.config;

import java.util.List;

/**
 * The config cannot be used; {@link #problems()} lists every problem found, each naming its key.
 * The message lists them too, each with the line of its key where the file has it.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public ConfigException(String source, List<String> problems) {
    this(source, problems, problems);
  }

  /**
   * @param shown the problems as the message shows them: in the same order, each with its line
   */
  ConfigException(String source, List<String> problems, List<String> shown) {
    super(describe(source, shown));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String describe(String source, List<String> problems) {
    StringBuilder b =
        new StringBuilder("invalid configuration in ")
            .append(source)
            .append(" (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    problems.forEach(p -> b.append(System.lineSeparator()).append("  - ").append(p));
    return b.toString();
  }
}
