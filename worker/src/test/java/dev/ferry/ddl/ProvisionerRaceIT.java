package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.TableName;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against the real Postgres, with a pool like the worker's (connections that do not auto-commit): a
 * table another session creates while this provisioner waits for the advisory lock is found under
 * the lock, so this one runs, logs and counts nothing; and a statement whose {@code IF NOT EXISTS}
 * found its table or column already there is not counted as run. The second was found with real
 * Debezium ({@code CdcManyTablesIT}, 1 run of 3): two lanes of one worker both counted a {@code
 * create-table} for one table, the second statement a no-op.
 */
@Timeout(60)
class ProvisionerRaceIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(hashtext('ferry.ddl:' || ? || '.' || ?))";

  @Test
  void aTableCreatedWhileThisOneWaitedForTheLockIsNeitherCreatedNorCountedAgain() throws Exception {
    TableName table = TestTables.table(PG, "raced");
    DeclaredTable declared =
        new DeclaredTable(
            List.of(
                new DeclaredColumn("id", "bigint", false), new DeclaredColumn("v", "text", true)),
            List.of("id"));
    DdlStatements counts = new DdlStatements();
    try (HikariDataSource pool = pool();
        Connection other = PG.connect()) {
      PostgresTableProvisioner provisioner =
          new PostgresTableProvisioner(
              pool, Map.of("p", new PostgresTableProvisioner.Policy(true, true)), counts);
      other.setAutoCommit(false);
      try (PreparedStatement lock = other.prepareStatement(LOCK)) {
        lock.setString(1, PG.schema());
        lock.setString(2, "raced");
        lock.execute();
      }
      CompletableFuture<Boolean> ran =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return provisioner.ensure("p", table, declared);
                } catch (ProvisionException e) {
                  throw new CompletionException(e);
                }
              });
      await("the provisioner waits for the advisory lock")
          .atMost(Duration.ofSeconds(8))
          .until(() -> waitersFor("raced") == 1);
      try (Statement s = other.createStatement()) {
        s.execute("CREATE TABLE raced (id bigint PRIMARY KEY, v text)");
      }
      other.commit();

      assertThat(ran.get(10, TimeUnit.SECONDS)).as("ran a statement").isFalse();
      assertThat(counts.count("p", DdlStatements.CREATE_TABLE)).isZero();
      assertThat(TestTables.columns(PG, "raced"))
          .containsExactly("id bigint not null", "v text null");
    }
  }

  @Test
  void aStatementThatFoundItsTableOrColumnThereAlreadyIsNotCountedAsRun() throws Exception {
    PG.execute("CREATE TABLE there (id bigint PRIMARY KEY, v text)");
    TableName table = TestTables.table(PG, "there");
    List<PostgresTableProvisioner.Planned> plan =
        List.of(
            new PostgresTableProvisioner.Planned(
                DdlStatements.CREATE_TABLE,
                "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (id bigint)"),
            new PostgresTableProvisioner.Planned(
                DdlStatements.ADD_COLUMN,
                "ALTER TABLE " + table.quoted() + " ADD COLUMN IF NOT EXISTS v text"),
            new PostgresTableProvisioner.Planned(
                DdlStatements.ADD_COLUMN,
                "ALTER TABLE " + table.quoted() + " ADD COLUMN IF NOT EXISTS w text"));
    try (HikariDataSource pool = pool();
        Connection c = pool.getConnection()) {
      List<PostgresTableProvisioner.Planned> ran = PostgresTableProvisioner.execute(c, plan);
      c.commit();

      assertThat(ran).containsExactly(plan.get(2));
    }
    assertThat(TestTables.columns(PG, "there"))
        .containsExactly("id bigint not null", "v text null", "w text null");
  }

  /** Sessions waiting for the advisory lock of {@code table} in the test schema. */
  private static long waitersFor(String table) {
    return PG.queryLong(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            + " AND objid::text::bigint = (hashtext('ferry.ddl:"
            + PG.schema()
            + "."
            + table
            + "')::bigint & 4294967295)");
  }

  /** A pool configured as the worker's ({@code ConnectionPools}): no auto-commit. */
  private static HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(PG.url());
    config.setUsername(PG.user());
    if (!PG.password().isEmpty()) {
      config.setPassword(PG.password());
    }
    config.setAutoCommit(false);
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }
}
