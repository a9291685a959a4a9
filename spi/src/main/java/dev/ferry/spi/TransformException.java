package dev.ferry.spi;

/**
 * A transform cannot handle a record (or, from {@link RecordTransform#configure}, its options). The
 * message goes to the dead-letter headers: say what is wrong with the record.
 */
public class TransformException extends Exception {
  private static final long serialVersionUID = 1L;

  public TransformException(String message) {
    super(message);
  }

  public TransformException(String message, Throwable cause) {
    super(message, cause);
  }
}
