package dev.ferry.app;

import java.util.List;

/**
 * The worker could not start: Postgres or Kafka unreachable (exit code 1), or the config does not
 * fit what Ferry found: tables, columns or input topics not as configured, an unusable JSON Schema
 * or tracing setup (exit code 2, like any config mistake).
 */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public StartupException(String message, Throwable cause) {
    this(message, cause, ExitCodes.FAILURE);
  }

  private StartupException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * The config names tables, columns or topics the servers do not have, or files and settings that
   * cannot be used: every problem in one message, exit code 2. Raised before Ferry changes
   * anything.
   */
  static StartupException configMismatch(List<String> problems) {
    StringBuilder text =
        new StringBuilder("the configuration cannot be used (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem)" : " problems)")
            .append("; nothing was changed:");
    problems.forEach(p -> text.append("\n  - ").append(p));
    return new StartupException(text.toString(), null, ExitCodes.BAD_CONFIG);
  }

  /** The exit code of {@code ferry run} for this failure. */
  public int exitCode() {
    return exitCode;
  }
}
