package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A zombie's late commit is rejected. Worker A's single transaction is held open inside Postgres (a
 * trigger waits on an advisory lock the test holds, for A's connections only) while worker B joins
 * the group, claims some of A's partitions and applies their records. When the lock is released,
 * A's transaction reaches its fencing check, finds B's epoch and rolls back; A retries the records
 * of the partitions it still owns. No record may be applied twice.
 */
@Timeout(180)
class ZombieFencingIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 2_000;
  private static final long LOCK = 424_242;
  private static final String GROUP = "ferry-zombie";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
    PG.execute(
        "CREATE FUNCTION hold_zombie() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF current_setting('application_name') = 'ferry-zombie' THEN"
            + " PERFORM pg_advisory_lock_shared("
            + LOCK
            + "); PERFORM pg_advisory_unlock_shared("
            + LOCK
            + "); END IF; RETURN NULL; END $$");
    PG.execute(
        "CREATE TRIGGER hold BEFORE INSERT ON events FOR EACH STATEMENT"
            + " EXECUTE FUNCTION hold_zombie()");
  }

  @Test
  void theLateCommitOfAWorkerWhosePartitionsMovedIsRejected() throws Exception {
    String topic = KAFKA.uniqueTopic("zombie");
    KAFKA.createTopic(topic, 6);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(RECORDS)
        .seed(21)
        .build()
        .run();
    Progress progress = new Progress(PG, "events");

    RunningWorker zombie;
    RunningWorker successor;
    try (Connection holder = PG.connect();
        Statement lock = holder.createStatement()) {
      lock.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      // One worker thread that lingers long enough to gather every partition into one batch.
      zombie =
          RunningWorker.start(
              FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                  .group(GROUP)
                  .urlParameters("ApplicationName=ferry-zombie")
                  .patientDatabase()
                  .worker("threads", 1)
                  .worker("batch-size", 5_000)
                  .worker("batch-linger", "3s")
                  .load());
      try (zombie) {
        try {
          await("the zombie's transaction waits on the lock")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      PG.queryLong(
                              "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                                  + " 'ferry-zombie' AND wait_event_type = 'Lock'")
                          > 0);
          assertThat(zombie.lanes().inMemory()).isEqualTo(RECORDS);

          successor =
              RunningWorker.start(
                  FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                      .group(GROUP)
                      .urlParameters("ApplicationName=ferry-successor")
                      .worker("threads", 2)
                      .load());
          try (successor) {
            await("the successor owns and applied some partitions")
                .atMost(Duration.ofSeconds(60))
                .until(
                    () ->
                        successor.pollLoop().assignedPartitions() > 0
                            && zombie.pollLoop().assignedPartitions() < 6
                            && progress.rows() > 0
                            && successor.lanes().inMemory() == 0);
            assertThat(zombie.counters().applied()).isZero();
            lock.execute("SELECT pg_advisory_unlock(" + LOCK + ")");

            await("everything applied and committed")
                .atMost(Duration.ofSeconds(60))
                .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
          }
        } finally {
          // Should a wait above fail, the zombie must not drain against a lock still held.
          lock.execute("SELECT pg_advisory_unlock_all()");
        }
      }
    }

    assertThat(zombie.counters().fenced()).as("rejected late commits").isPositive();
    assertThat(progress.rows()).isEqualTo(RECORDS);
    assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    assertThat(zombie.counters().applied() + successor.counters().applied()).isEqualTo(RECORDS);
  }
}
