package dev.ferry.metrics;

/** The sends to the dead-letter topics, counted since start. Thread-safe. */
public interface DeadLetterView {
  /** Sends that failed and were retried. */
  long failedSends();

  /** Dead letters sent without their stack trace or long message, to fit. */
  long headersShed();

  /** Dead letters refused for good, whatever the reason ({@link #refusedTooLarge()} included). */
  long refused();

  /** Dead letters refused for good because they do not fit their topic. */
  long refusedTooLarge();
}
