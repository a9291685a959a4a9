package dev.ferry.ddl;

import dev.ferry.errors.Reason;
import java.util.Optional;

/**
 * A table could not be created or widened to fit a record's declared schema: a new field is
 * required (not optional), the declaration names a column or type Ferry cannot create, or the
 * database refused the statement or could not be reached.
 */
public final class ProvisionException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Whether trying again later may succeed (the database was unreachable), not the record's fault.
   */
  private final boolean transientFailure;

  /** The dead-letter reason, when the failure has one of its own. */
  private final Reason reason;

  public ProvisionException(String message, boolean transientFailure, Throwable cause) {
    this(message, transientFailure, cause, null);
  }

  public ProvisionException(String message) {
    this(message, false, null, null);
  }

  /** A permanent failure that dead-letters the record with {@code reason}. */
  public ProvisionException(Reason reason, String message) {
    this(message, false, null, reason);
  }

  private ProvisionException(
      String message, boolean transientFailure, Throwable cause, Reason reason) {
    super(message, cause);
    this.transientFailure = transientFailure;
    this.reason = reason;
  }

  public boolean isTransient() {
    return transientFailure;
  }

  /**
   * The reason to dead-letter the record with ({@code schema-evolution-refused}); empty: the
   * caller's own (the table is missing and cannot be created, {@code table-missing}).
   */
  public Optional<Reason> reason() {
    return Optional.ofNullable(reason);
  }
}
