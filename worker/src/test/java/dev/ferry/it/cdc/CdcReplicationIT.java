package dev.ferry.it.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.cdc.SourceDatabase;
import dev.ferry.testkit.cdc.TableComparison;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replication end to end, in both JSON forms (the Connect schema wrapper on and off): a source
 * table with one column per supported type goes through real Debezium and a worker with {@code
 * envelope: debezium} into a target table of the same shape, and the target equals the source,
 * column by column ({@link TableComparison}), at two points: after a snapshot, inserts, updates,
 * updates that leave a TOASTed column unchanged, a primary-key change and deletes; and again after
 * a truncate ({@code truncate: apply}) and the changes after it.
 *
 * <p>Both forms replicate the same table, every column included: with schemas off, Debezium's
 * defaults still carry every value exactly for a reader that knows the target column's type ({@code
 * numeric(12,4)}'s bytes take the column's scale; an unconstrained numeric is a struct with its own
 * scale; dates, times and timestamps are counts of days or microseconds; bytea is base64).
 */
@Timeout(240)
class CdcReplicationIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration CAUGHT_UP = Duration.ofSeconds(60);

  @BeforeAll
  static void enumType() {
    PG.execute(AllTypes.ENUM);
  }

  @ParameterizedTest(name = "schemas {0}")
  @ValueSource(booleans = {true, false})
  void theTargetFollowsTheSourceThroughEveryKindOfChange(boolean schemas, @TempDir Path dir)
      throws Exception {
    String target = "all_types_" + (schemas ? "schemas_on" : "schemas_off");
    PG.execute("CREATE TABLE " + target + " " + AllTypes.COLUMNS);
    try (CdcSource source =
            CdcSource.start(
                dir, KAFKA, List.of("public.all_types"), schemas, CdcReplicationIT::setUp);
        Connection targetDb = PG.connect()) {
      TableComparison comparison =
          TableComparison.between(source.db().connection(), "public.all_types", targetDb, target);
      CdcPipeline pipeline =
          CdcPipeline.of(KAFKA, PG, source.topic("public.all_types"), target)
              .set("truncate", "apply");
      RunningWorker worker = RunningWorker.start(pipeline.yaml().load());
      try (worker) {
        awaitEqual(comparison, "after the snapshot");

        run(source.db(), AllTypes.beforeTruncate());
        source.awaitStreamed();
        awaitEqual(comparison, "after inserts, updates, unchanged TOAST, a key change, deletes");
        assertThat(source.db().queryLong("SELECT count(*) FROM all_types")).isEqualTo(5);

        run(source.db(), AllTypes.truncateAndAfter());
        source.awaitStreamed();
        awaitEqual(comparison, "after the truncate and the changes after it");
        assertThat(source.db().queryLong("SELECT count(*) FROM all_types")).isEqualTo(2);
      }
      assertThat(worker.counters().deadLettered()).as("records dead-lettered").isZero();
    }
  }

  private static void setUp(SourceDatabase db) {
    db.execute(AllTypes.ENUM, "CREATE TABLE all_types " + AllTypes.COLUMNS);
    db.execute(AllTypes.snapshotRows().toArray(String[]::new));
    // The scenario is only worth its name if the large values really are stored out of line.
    assertThat(
            db.queryLong("SELECT min(pg_column_size(c_large)) FROM all_types WHERE id IN (1, 4)"))
        .as("stored size of the large column")
        .isGreaterThan(2048);
  }

  private static void run(SourceDatabase db, List<List<String>> transactions) {
    for (List<String> transaction : transactions) {
      db.transaction(transaction);
    }
  }

  private static void awaitEqual(TableComparison comparison, String when) {
    await("target equals source " + when)
        .atMost(CAUGHT_UP)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(comparison::assertEqual);
  }
}
