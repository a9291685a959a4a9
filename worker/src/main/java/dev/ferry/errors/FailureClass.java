package dev.ferry.errors;

/** What to do about a failure. */
public enum FailureClass {
  /** The environment is at fault (connection lost, deadlock): retry for as long as it takes. */
  TRANSIENT,
  /** The record is at fault (bad value, constraint violation): dead-letter it, do not retry. */
  PERMANENT,
  /** Neither is known: retry up to {@code retry.max-attempts}, then dead-letter. */
  UNKNOWN
}
