package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.FerryWorker;
import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bounded memory under a slow sink: a trigger holds every insert for 80 ms, four workers make that
 * about 50 rows/s, against a backlog of 20,000 records. For 60 s the worker must keep its group
 * membership (no rebalance although {@code max.poll.interval.ms} is 10 s) and never hold more than
 * {@code queue-capacity + max.poll.records} records.
 */
@Timeout(240)
class SlowSinkBackpressureIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int CAPACITY = 100;
  private static final int MAX_POLL_RECORDS = 50;
  private static final Duration RUN = Duration.ofSeconds(60);

  @BeforeAll
  static void slowTable() throws Exception {
    PG.executeSchemaFile("events.sql");
    PG.execute(
        "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM pg_sleep(0.08); RETURN NEW; END $$");
    PG.execute(
        "CREATE TRIGGER slow BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION"
            + " slow_insert()");
  }

  @Test
  void aSlowSinkPausesTheConsumerWithoutRebalancesOrUnboundedMemory() throws Exception {
    String topic = KAFKA.uniqueTopic("slow");
    KAFKA.createTopic(topic, 6);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(20_000)
        .seed(4)
        .build()
        .run();

    FerryWorker worker =
        FerryWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .patientDatabase()
                .worker("threads", 4)
                .worker("queue-capacity", CAPACITY)
                .worker("batch-size", 500)
                .clientProperty("max.poll.records", MAX_POLL_RECORDS)
                .clientProperty("max.poll.interval.ms", 10_000)
                .load());
    AtomicInteger maxSampled = new AtomicInteger();
    AtomicInteger maxPaused = new AtomicInteger();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    long rowsAtStart;
    long rowsAtEnd;
    long assignments;
    long revocations;
    long losses;
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.pollLoop().assignedPartitions() == 6);
      sampler.scheduleAtFixedRate(
          () -> {
            maxSampled.accumulateAndGet(worker.lanes().inMemory(), Math::max);
            maxPaused.accumulateAndGet(worker.pollLoop().pausedPartitions(), Math::max);
          },
          0,
          10,
          TimeUnit.MILLISECONDS);
      rowsAtStart = PG.queryLong("SELECT count(*) FROM events");
      long end = System.nanoTime() + RUN.toNanos();
      await()
          .atMost(RUN.plusSeconds(10))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> System.nanoTime() >= end);
      rowsAtEnd = PG.queryLong("SELECT count(*) FROM events");
      // Read before the stop: leaving the group on close revokes the partitions, by design.
      assignments = worker.pollLoop().rebalances().assignments();
      revocations = worker.pollLoop().rebalances().revocations();
      losses = worker.pollLoop().rebalances().losses();
    } finally {
      sampler.shutdownNow();
      worker.requestStop();
      worker.awaitTermination(Duration.ofSeconds(60));
    }

    assertThat(assignments).isEqualTo(1);
    assertThat(revocations).isZero();
    assertThat(losses).isZero();
    assertThat(maxSampled.get()).isLessThanOrEqualTo(CAPACITY + MAX_POLL_RECORDS);
    assertThat(worker.lanes().peakInMemory()).isLessThanOrEqualTo(CAPACITY + MAX_POLL_RECORDS);
    assertThat(maxPaused.get()).as("partitions were paused for backpressure").isEqualTo(6);
    long applied = rowsAtEnd - rowsAtStart;
    assertThat(applied).as("rows applied in %s", RUN).isBetween(500L, 10_000L);
  }
}
