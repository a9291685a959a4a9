package dev.ferry.coerce;

/** A value cannot be turned into its column's type; the message says why, for a person. */
public final class CoercionException extends Exception {
  private static final long serialVersionUID = 1L;

  public CoercionException(String message) {
    super(message);
  }
}
