package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.Hold;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.SlowInserts;
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
 * Bounded memory under a slow sink: a trigger holds every insert for 80 ms, against a backlog of
 * 20,000 records. For 60 s the worker must keep its group membership (no rebalance although {@code
 * max.poll.interval.ms} is 10 s), keep applying records and never hold more than {@code
 * queue-capacity + max.poll.records} records. How fast it applies them is measured by {@code
 * scripts/bench}, not here.
 */
@Timeout(240)
@RunsBesideOthers
class SlowSinkBackpressureIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int CAPACITY = 100;
  private static final int MAX_POLL_RECORDS = 50;
  private static final Duration RUN = Duration.ofSeconds(60);

  @BeforeAll
  static void slowTable() throws Exception {
    PG.executeSchemaFile("events.sql");
    SlowInserts.everyRowSleeps(PG, "events", 0.08);
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

    RunningWorker worker =
        RunningWorker.start(
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
    long rowsAtStart;
    long rowsAtEnd;
    long assignments;
    long revocations;
    long losses;
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.pollLoop().assignedPartitions() == 6);
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      try {
        sampler.scheduleAtFixedRate(
            () -> {
              maxSampled.accumulateAndGet(worker.lanes().inMemory(), Math::max);
              maxPaused.accumulateAndGet(worker.pollLoop().pausedPartitions(), Math::max);
            },
            0,
            10,
            TimeUnit.MILLISECONDS);
        rowsAtStart = PG.queryLong("SELECT count(*) FROM events");
        Hold.until(
            System.nanoTime() + RUN.toNanos(),
            "the slow sink",
            () ->
                assertThat(worker.pollLoop().rebalances().revocations())
                    .as("partitions revoked while the sink is slow")
                    .isZero());
        rowsAtEnd = PG.queryLong("SELECT count(*) FROM events");
        // Read before the stop: leaving the group on close revokes the partitions, by design.
        assignments = worker.pollLoop().rebalances().assignments();
        revocations = worker.pollLoop().rebalances().revocations();
        losses = worker.pollLoop().rebalances().losses();
      } finally {
        sampler.shutdownNow();
      }
    }

    assertThat(assignments).isEqualTo(1);
    assertThat(revocations).isZero();
    assertThat(losses).isZero();
    assertThat(maxSampled.get()).isLessThanOrEqualTo(CAPACITY + MAX_POLL_RECORDS);
    assertThat(worker.lanes().peakInMemory()).isLessThanOrEqualTo(CAPACITY + MAX_POLL_RECORDS);
    assertThat(maxPaused.get()).as("partitions were paused for backpressure").isEqualTo(6);
    assertThat(rowsAtEnd).as("rows applied while the sink was slow").isGreaterThan(rowsAtStart);
    assertThat(rowsAtEnd).as("rows, with a backlog left throughout").isLessThan(20_000);
  }
}
