package dev.ferry.ddl;

/**
 * A record's declared schema could not be read: the registry could not be asked for it (transient:
 * the record is read again later), or a part the declaration needs is unreadable, such as the key
 * of a change event whose fields give the primary key (permanent; the pipeline refuses such a key
 * itself). Unchecked, so that {@link RecordSchemas#of} keeps its signature; a caller treats it as
 * it treats the exception's {@link #isTransient() class}.
 */
public final class DeclarationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  public DeclarationException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
