package dev.ferry.sink;

/**
 * The catalog could not be read to describe a table a record routes to (the database is down, a
 * timeout): transient, never the record's fault. Unchecked so that it passes through the pipeline's
 * record mapping; the pipeline processor catches it and prepares the batch again after backoff.
 */
public final class TablesUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TablesUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
