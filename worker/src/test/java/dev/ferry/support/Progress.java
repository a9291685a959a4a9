package dev.ferry.support;

import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on the row count of a test table. */
public final class Progress {
  private final PostgresSchemaExtension pg;
  private final String table;

  public Progress(PostgresSchemaExtension pg, String table) {
    this.pg = pg;
    this.table = table;
  }

  public long rows() {
    return pg.queryLong("SELECT count(*) FROM " + table);
  }

  public long distinctEvents() {
    return pg.queryLong("SELECT count(DISTINCT event_id) FROM " + table);
  }

  /** Waits until the table holds at least {@code rows}, failing fast when {@code dead} says so. */
  public void awaitRows(long rows, Duration timeout, String what, BooleanSupplier dead) {
    await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .failFast(what + ": a worker died", dead::getAsBoolean)
        .until(() -> rows() >= rows);
  }
}
