package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.TableName;
import dev.ferry.ddl.PostgresTableProvisioner.Policy;
import dev.ferry.support.FerrySchema;
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
 * Two replicas' provisioners, each with its own connections, started together on a latch, make the
 * same table fit the same declaration: both succeed, and each statement ran once. In each round the
 * test holds the table's advisory lock until both wait for it, so both have found the table lacking
 * before either may change it: the one that gets the lock second must see, under the lock, that the
 * first already did the work.
 */
@Timeout(60)
class ReplicasRacingOnDdlIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int ROUNDS = 8;
  private static final Map<String, Policy> BOTH = Map.of("p", new Policy(true, true));
  private static final DeclaredTable V1 =
      new DeclaredTable(
          List.of(new DeclaredColumn("id", "bigint", false), new DeclaredColumn("v", "text", true)),
          List.of("id"));
  private static final DeclaredTable V2 =
      new DeclaredTable(
          List.of(
              new DeclaredColumn("id", "bigint", false),
              new DeclaredColumn("v", "text", true),
              new DeclaredColumn("w", "jsonb", true),
              new DeclaredColumn("x", "date", true)),
          List.of("id"));

  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final DdlStatements replicaA = new DdlStatements();
  private final DdlStatements replicaB = new DdlStatements();
  private final PostgresTableProvisioner a =
      new PostgresTableProvisioner(FerrySchema.dataSource(PG), BOTH, replicaA);
  private final PostgresTableProvisioner b =
      new PostgresTableProvisioner(FerrySchema.dataSource(PG), BOTH, replicaB);

  @AfterEach
  void stop() throws Exception {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void twoReplicasCreatingTheSameTableBothSucceedAndItIsCreatedOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      TableName table = TestTables.table(PG, "created_" + round);

      List<Boolean> ran = race(table, V1);

      assertThat(ran).as("round %d", round).containsExactlyInAnyOrder(true, false);
      assertThat(TestTables.columns(PG, "created_" + round))
          .containsExactly("id bigint not null", "v text null");
    }
    assertThat(total(DdlStatements.CREATE_TABLE)).isEqualTo(ROUNDS);
  }

  @Test
  void twoReplicasAddingTheSameColumnsBothSucceedAndEachIsAddedOnce() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      PG.execute("CREATE TABLE altered_" + round + " (id bigint PRIMARY KEY, v text)");
      TableName table = TestTables.table(PG, "altered_" + round);

      List<Boolean> ran = race(table, V2);

      assertThat(ran).as("round %d", round).containsExactlyInAnyOrder(true, false);
      assertThat(TestTables.columns(PG, "altered_" + round))
          .containsExactly("id bigint not null", "v text null", "w jsonb null", "x date null");
    }
    assertThat(total(DdlStatements.ADD_COLUMN)).isEqualTo(2L * ROUNDS);
    assertThat(total(DdlStatements.CREATE_TABLE)).isZero();
  }

  /** Both provisioners' answers, each started on the same latch. */
  private List<Boolean> race(TableName table, DeclaredTable declared) throws Exception {
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>();
    for (PostgresTableProvisioner replica : List.of(a, b)) {
      Callable<Boolean> call =
          () -> {
            ready.countDown();
            go.await();
            return replica.ensure("p", table, declared);
          };
      answers.add(threads.submit(call));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    try (Connection hold = PG.connect()) {
      hold.setAutoCommit(false);
      try (Statement s = hold.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + lockKey(table) + ")");
      }
      go.countDown();
      await().atMost(Duration.ofSeconds(20)).until(() -> waitingFor(table) == 2);
      hold.commit();
    }
    List<Boolean> ran = new ArrayList<>();
    for (Future<Boolean> answer : answers) {
      ran.add(answer.get(20, TimeUnit.SECONDS));
    }
    return ran;
  }

  /** The provisioner's advisory lock key of {@code table}, as SQL. */
  private static String lockKey(TableName table) {
    return "hashtext('ferry.ddl:" + table.schema().orElseThrow() + "." + table.name() + "')";
  }

  /**
   * The sessions waiting for {@code table}'s advisory lock (bigint key: classid high, objid low).
   */
  private static long waitingFor(TableName table) {
    return PG.queryLong(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            + " AND objid::bigint = ("
            + lockKey(table)
            + "::bigint & 4294967295) AND classid::bigint = (("
            + lockKey(table)
            + "::bigint >> 32) & 4294967295)");
  }

  private long total(String kind) {
    return replicaA.count("p", kind) + replicaB.count("p", kind);
  }
}
