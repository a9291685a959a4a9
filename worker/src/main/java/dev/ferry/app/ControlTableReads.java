package dev.ferry.app;

import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reads of one operator control table ({@code ferry.pipeline_pauses}, {@code
 * ferry.pipeline_rate_limits}) every {@code worker.control-interval}: a read that fails keeps the
 * last known state in force, and an outage is logged once when it starts and once when it ends, not
 * every interval. Thread-safe.
 */
final class ControlTableReads {
  private static final Logger log = LoggerFactory.getLogger(ControlTableReads.class);

  /** Reads the table and applies what it holds. */
  interface Read {
    void readAndApply() throws SQLException;
  }

  private final String table;
  private final String state;
  private volatile boolean failing;

  /**
   * @param table the table's name, for the log
   * @param state what stays in force while it cannot be read, e.g. "pauses"
   */
  ControlTableReads(String table, String state) {
    this.table = table;
    this.state = state;
  }

  /** Runs {@code read}; a failure keeps the last known state (logged once per outage). */
  void run(Read read) {
    try {
      read.readAndApply();
      if (failing) {
        failing = false;
        log.info("{} can be read again", table);
      }
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn(
            "cannot read {}; the last known {} stay in force until it can be read again: {}",
            table,
            state,
            e.toString());
      }
    }
  }
}
