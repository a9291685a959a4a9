package dev.ferry.coerce;

import dev.ferry.errors.Reason;

/**
 * A value cannot be turned into its column's type; the message says why, for a person, and the
 * reason says it for a machine (the {@code ferry.dlt.reason} of the record): {@link
 * Reason#COERCION_FAILED} or {@link Reason#NUL_CHARACTER}.
 */
public final class CoercionException extends Exception {
  /** {@link Reason#NUL_CHARACTER}, short for the coercers that refuse a NUL character. */
  public static final Reason NUL_CHARACTER = Reason.NUL_CHARACTER;

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  /** A value its column's type cannot hold ({@link Reason#COERCION_FAILED}). */
  public CoercionException(String message) {
    this(message, Reason.COERCION_FAILED);
  }

  public CoercionException(String message, Reason reason) {
    super(message);
    this.reason = reason;
  }

  /** {@link Reason#COERCION_FAILED} or {@link Reason#NUL_CHARACTER}. */
  public Reason reason() {
    return reason;
  }
}
