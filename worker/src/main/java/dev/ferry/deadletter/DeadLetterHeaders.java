package dev.ferry.deadletter;

/** Names of the diagnostic headers Ferry adds to every dead-letter record (the contract). */
public final class DeadLetterHeaders {
  public static final String PREFIX = "ferry.dlt.";
  public static final String VERSION = PREFIX + "version";
  public static final String ORIGINAL_TOPIC = PREFIX + "original.topic";
  public static final String ORIGINAL_PARTITION = PREFIX + "original.partition";
  public static final String ORIGINAL_OFFSET = PREFIX + "original.offset";
  public static final String ORIGINAL_TIMESTAMP = PREFIX + "original.timestamp";
  public static final String GROUP = PREFIX + "group";
  public static final String PIPELINE = PREFIX + "pipeline";
  public static final String STAGE = PREFIX + "stage";
  public static final String REASON = PREFIX + "reason";
  public static final String EXCEPTION_CLASS = PREFIX + "exception.class";
  public static final String EXCEPTION_MESSAGE = PREFIX + "exception.message";
  public static final String EXCEPTION_STACKTRACE = PREFIX + "exception.stacktrace";
  public static final String ATTEMPTS = PREFIX + "attempts";
  public static final String FAILED_AT = PREFIX + "failed-at";
  public static final String REPLAY_COUNT = PREFIX + "replay-count";

  /**
   * Present only when the dead letter did not fit its topic whole: the comma-separated names of the
   * headers left out or cut short (the stack trace, a long exception message).
   */
  public static final String HEADERS_SHED = PREFIX + "headers-shed";

  private DeadLetterHeaders() {}
}
