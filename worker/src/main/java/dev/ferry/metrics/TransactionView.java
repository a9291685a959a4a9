package dev.ferry.metrics;

/** The worker's running Postgres transactions, as the transaction watchdog sees them. */
public interface TransactionView {
  /** Seconds the oldest running transaction has run; 0 when none runs. */
  double oldestAgeSeconds();

  /** Lanes whose transaction the watchdog aborted and that have not committed since. */
  int stuckLanes();

  /** Transactions the watchdog aborted, in total. */
  long aborted();
}
