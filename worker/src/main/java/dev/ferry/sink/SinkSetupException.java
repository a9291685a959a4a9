package dev.ferry.sink;

/** The database does not fit the config (missing table or column); Ferry cannot start. */
public final class SinkSetupException extends Exception {
  private static final long serialVersionUID = 1L;

  public SinkSetupException(String message) {
    super(message);
  }

  public SinkSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
