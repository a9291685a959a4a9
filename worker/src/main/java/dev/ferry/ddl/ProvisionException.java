package dev.ferry.ddl;

/**
 * A table could not be created or widened to fit a record's declared schema: a new field is
 * required (not optional), a declared type differs from an existing column's, the schema declares
 * no type Ferry can create, or the database refused the statement.
 */
public final class ProvisionException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Whether trying again later may succeed (the database was unreachable), not the record's fault.
   */
  private final boolean transientFailure;

  public ProvisionException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public ProvisionException(String message) {
    this(message, false, null);
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
