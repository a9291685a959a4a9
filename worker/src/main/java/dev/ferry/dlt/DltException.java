package dev.ferry.dlt;

/**
 * A {@code ferry dlt} command cannot go on: a topic is missing, Kafka stalls … The message says.
 */
public final class DltException extends Exception {
  private static final long serialVersionUID = 1L;

  public DltException(String message) {
    super(message);
  }

  public DltException(String message, Throwable cause) {
    super(message, cause);
  }
}
