package dev.ferry.coerce;

/**
 * A value cannot be turned into its column's type; the message says why, for a person, and the
 * reason says it for a machine (the {@code ferry.dlt.reason} of the record).
 */
public final class CoercionException extends Exception {
  /** The reason of a value its column's type cannot hold. */
  public static final String COERCION_FAILED = "coercion-failed";

  /** The reason of a string holding a NUL character (U+0000), which Postgres cannot store. */
  public static final String NUL_CHARACTER = "nul-character";

  private static final long serialVersionUID = 1L;

  private final String reason;

  public CoercionException(String message) {
    this(message, COERCION_FAILED);
  }

  public CoercionException(String message, String reason) {
    super(message);
    this.reason = reason;
  }

  /** {@link #COERCION_FAILED} or {@link #NUL_CHARACTER}. */
  public String reason() {
    return reason;
  }
}
