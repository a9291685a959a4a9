package dev.ferry.format;

/**
 * The schema registry could not answer (unreachable, timed out, a server error, credentials
 * refused): transient. The message says what happened, for the readiness reason and the log; it
 * never holds a credential.
 */
public final class RegistryUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public RegistryUnavailableException(String message) {
    super(message);
  }
}
