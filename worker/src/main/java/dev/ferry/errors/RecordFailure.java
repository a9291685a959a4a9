package dev.ferry.errors;

/**
 * A record cannot be applied because of its own content. Carries the {@link Reason} (and so the
 * stage) for the dead-letter headers. Always permanent: retrying the same bytes gives the same
 * answer.
 */
public final class RecordFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public RecordFailure(Reason reason, String message) {
    this(reason, message, null);
  }

  public RecordFailure(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Where the record failed: the stage of its reason. */
  public Stage stage() {
    return reason.stage();
  }

  public Reason reason() {
    return reason;
  }
}
