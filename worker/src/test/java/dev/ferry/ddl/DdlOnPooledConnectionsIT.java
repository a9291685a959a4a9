package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.TableName;
import dev.ferry.ddl.PostgresTableProvisioner.Policy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two worker threads of one replica, sharing its provisioner and a pool whose connections are not
 * in auto-commit mode (as the worker's pool is), race to create the same table: it is created,
 * logged and counted once. Both find the table missing, then wait for its advisory lock (the test
 * holds it until both wait); the second to get it must see the table the first created. Its first
 * catalog read must not share a transaction with the read under the lock: Postgres does not process
 * catalog invalidations for a lock on {@code pg_class} that transaction already holds, so {@code
 * to_regclass} would keep answering from the stale "no such table" it cached.
 */
@Timeout(60)
class DdlOnPooledConnectionsIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int ROUNDS = 4;
  private static final DeclaredTable DECLARED =
      new DeclaredTable(
          List.of(new DeclaredColumn("id", "bigint", false), new DeclaredColumn("v", "text", true)),
          List.of("id"));

  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final DdlStatements statements = new DdlStatements();
  private final HikariDataSource pool = pool();
  private final PostgresTableProvisioner provisioner =
      new PostgresTableProvisioner(pool, Map.of("p", new Policy(true, false)), statements);

  @AfterEach
  void stop() throws Exception {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    pool.close();
  }

  @Test
  void twoThreadsCreatingTheSameTableOnPooledConnectionsCreateItOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      TableName table = TestTables.table(PG, "pooled_" + round);

      List<Boolean> ran = race(table);

      assertThat(ran).as("round %d", round).containsExactlyInAnyOrder(true, false);
      assertThat(TestTables.columns(PG, "pooled_" + round))
          .containsExactly("id bigint not null", "v text null");
    }
    assertThat(statements.count("p", DdlStatements.CREATE_TABLE)).isEqualTo(ROUNDS);
  }

  private static HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(PG.url());
    config.setUsername(PG.user());
    if (!PG.password().isEmpty()) {
      config.setPassword(PG.password());
    }
    config.setMaximumPoolSize(2);
    config.setAutoCommit(false);
    return new HikariDataSource(config);
  }

  /** Both threads' answers, each started on the same latch while the test holds the lock. */
  private List<Boolean> race(TableName table) throws Exception {
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Callable<Boolean> call =
          () -> {
            ready.countDown();
            go.await();
            return provisioner.ensure("p", table, DECLARED);
          };
      answers.add(threads.submit(call));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    String key = "hashtext('ferry.ddl:" + table.schema().orElseThrow() + "." + table.name() + "')";
    try (Connection hold = PG.connect()) {
      hold.setAutoCommit(false);
      try (Statement s = hold.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + key + ")");
      }
      go.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  PG.queryLong(
                          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT"
                              + " granted AND objid::bigint = ("
                              + key
                              + "::bigint & 4294967295)")
                      == 2);
      hold.commit();
    }
    List<Boolean> ran = new ArrayList<>();
    for (Future<Boolean> answer : answers) {
      ran.add(answer.get(20, TimeUnit.SECONDS));
    }
    return ran;
  }
}
