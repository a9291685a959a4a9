package dev.ferry.support;

import dev.ferry.bookkeeping.Migrations;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/** Ferry's own schema in the test database, for tests that read or reset its tables directly. */
public final class FerrySchema {
  private FerrySchema() {}

  /** A data source of the test database, as {@code pg} reaches it. */
  public static PGSimpleDataSource dataSource(PostgresSchemaExtension pg) {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(pg.url());
    db.setUser(pg.user());
    if (!pg.password().isEmpty()) {
      db.setPassword(pg.password());
    }
    return db;
  }

  /**
   * Brings Ferry's schema to the latest version and deletes the rate-limit overrides of {@code
   * group}: an override outlives the worker that obeyed it, so an earlier run's would hold.
   */
  public static void migrateAndClearRateLimits(PostgresSchemaExtension pg, String group)
      throws SQLException {
    Migrations.migrate(dataSource(pg));
    pg.execute("DELETE FROM ferry.pipeline_rate_limits WHERE group_id = '" + group + "'");
  }
}
