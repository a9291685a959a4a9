package dev.ferry.app;

/** The worker could not start: Postgres or Kafka unreachable, or tables not as configured. */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
