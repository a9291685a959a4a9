package dev.ferry.config;

import java.time.Duration;

/**
 * How long Ferry waits on Postgres, layer by layer. Each bound turns a hung call into a transient
 * failure that is retried with backoff, never into a dead letter.
 *
 * @param connect opening a TCP connection and logging in (PgJDBC {@code connectTimeout} and {@code
 *     loginTimeout})
 * @param acquire waiting for a connection from the pool (HikariCP {@code connectionTimeout})
 * @param socket waiting for any one reply of the server (PgJDBC {@code socketTimeout}); longer than
 *     {@code statement}, so that Postgres cancels a slow statement before the client gives up on
 *     the connection
 * @param statement a statement's run time on the server ({@code statement_timeout})
 * @param lock a statement's wait for a lock ({@code lock_timeout})
 * @param transaction a whole transaction, from its first statement to its COMMIT; the watchdog
 *     aborts the connection of a transaction running longer (plus {@link #watchdogMargin()}), and
 *     the server ends sessions idle inside a transaction that long ({@code
 *     idle_in_transaction_session_timeout})
 */
public record DatabaseTimeouts(
    Duration connect,
    Duration acquire,
    Duration socket,
    Duration statement,
    Duration lock,
    Duration transaction) {

  public static final DatabaseTimeouts DEFAULTS =
      new DatabaseTimeouts(
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2));

  /**
   * How far past {@code transaction} the watchdog lets a transaction run before it acts: a tenth of
   * it, at least a second, so that a transaction finishing just in time is left alone.
   */
  public Duration watchdogMargin() {
    Duration tenth = transaction.dividedBy(10);
    return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : tenth;
  }

  @Override
  public String toString() {
    return "connect-timeout="
        + Durations.format(connect)
        + ", acquire-timeout="
        + Durations.format(acquire)
        + ", socket-timeout="
        + Durations.format(socket)
        + ", statement-timeout="
        + Durations.format(statement)
        + ", lock-timeout="
        + Durations.format(lock)
        + ", transaction-timeout="
        + Durations.format(transaction);
  }
}
