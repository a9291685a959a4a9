package dev.ferry.testkit.postgres;

import java.sql.SQLException;

/** A {@link SQLException} from a test fixture, unchecked so tests and lambdas stay short. */
public final class UncheckedSqlException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UncheckedSqlException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage() + " (SQLSTATE " + cause.getSQLState() + ")", cause);
  }

  @Override
  public synchronized SQLException getCause() {
    return (SQLException) super.getCause();
  }
}
