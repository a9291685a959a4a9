package dev.ferry.errors;

/**
 * A record cannot be applied because of its own content. Carries the stage and a short
 * machine-readable reason (e.g. {@code invalid-json}) for the dead-letter headers. Always
 * permanent: retrying the same bytes gives the same answer.
 */
public final class RecordFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final Stage stage;
  private final String reason;

  public RecordFailure(Stage stage, String reason, String message) {
    this(stage, reason, message, null);
  }

  public RecordFailure(Stage stage, String reason, String message, Throwable cause) {
    super(message, cause);
    this.stage = stage;
    this.reason = reason;
  }

  public Stage stage() {
    return stage;
  }

  public String reason() {
    return reason;
  }
}
