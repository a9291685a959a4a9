package dev.ferry.app;

/** Process exit codes of the ferry CLI. */
public final class ExitCodes {
  /** Stopped cleanly (drained and committed). */
  public static final int OK = 0;

  /** A runtime failure: cannot reach Kafka or Postgres at start, a crashed worker. */
  public static final int FAILURE = 1;

  /** The config is invalid; nothing was contacted. */
  public static final int BAD_CONFIG = 2;

  /** The drain ran out of time; uncommitted records will be re-read by the next owner. */
  public static final int DRAIN_TIMEOUT = 3;

  /** A second SIGTERM/SIGINT cut the drain short; uncommitted records are read again later. */
  public static final int FORCED = 130;

  private ExitCodes() {}
}
