package dev.ferry.sink;

import java.sql.SQLException;

/**
 * The connection failed while COMMIT was on its way: the transaction may have committed on the
 * server or not. Before writing the same records again, ask {@link RowSink#alreadyApplied} which of
 * them the transaction applied. Carries the SQLSTATE of the failure (a connection error, so it
 * classifies as transient).
 */
public final class CommitInDoubtException extends SQLException {
  private static final long serialVersionUID = 1L;

  public CommitInDoubtException(SQLException cause) {
    super(
        "the connection failed during COMMIT, the outcome is unknown: " + cause.getMessage(),
        cause.getSQLState() != null ? cause.getSQLState() : "08006",
        cause.getErrorCode(),
        cause);
  }
}
