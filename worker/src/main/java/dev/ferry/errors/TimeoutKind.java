package dev.ferry.errors;

import java.util.Locale;

/**
 * Which bound ran out when a write to Postgres timed out; the {@code kind} label of {@code
 * ferry_sink_timeouts_total}. Every one is transient.
 */
public enum TimeoutKind {
  /** {@code statement_timeout}, or a query cancelled otherwise (SQLSTATE 57014). */
  STATEMENT,
  /** {@code lock_timeout} (SQLSTATE 55P03). */
  LOCK,
  /** No reply within the socket timeout. */
  SOCKET,
  /** No pooled connection in time. */
  ACQUIRE;

  /** The lower-case name used in metrics and logs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
