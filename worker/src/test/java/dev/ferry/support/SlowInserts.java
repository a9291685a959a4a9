package dev.ferry.support;

import dev.ferry.testkit.postgres.PostgresSchemaExtension;

/** A table made slow on purpose: every row inserted sleeps in a trigger, as under a slow disk. */
public final class SlowInserts {
  private SlowInserts() {}

  /**
   * Makes every row inserted into {@code table} (of the test class's schema) sleep {@code seconds}
   * before it is written; the session shows it as {@code wait_event = 'PgSleep'}.
   */
  public static void everyRowSleeps(PostgresSchemaExtension pg, String table, double seconds) {
    pg.execute(
        "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM pg_sleep("
            + seconds
            + "); RETURN NEW; END $$");
    pg.execute(
        "CREATE TRIGGER slow BEFORE INSERT ON "
            + table
            + " FOR EACH ROW EXECUTE FUNCTION slow_insert()");
  }
}
