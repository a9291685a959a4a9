package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Metrics truth: after a run with good and bad records, the scraped counters equal the rows in
 * Postgres and the records in the DLT; {@code /metrics} also serves Ferry's catalog and the Kafka,
 * HikariCP, JVM and process meters.
 */
@Timeout(120)
class MetricsEndpointIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-metrics";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void metricsCountWhatTheWorkerDid() throws Exception {
    String topic = KAFKA.uniqueTopic("metrics");
    KAFKA.createTopic(topic, 2);
    var sent =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(1_000)
            .badFraction(0.05)
            .seed(9)
            .build()
            .run();
    RunningWorker worker =
        RunningWorker.start(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group(GROUP).load());
    String metrics;
    try (worker) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
      HttpResponse<String> response = worker.scrape().metrics();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      metrics = response.body();
    }

    long rows = PG.queryLong("SELECT count(*) FROM events");
    long deadLetters = DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt").size();
    assertThat(rows).isEqualTo(sent.good().size());
    assertThat(deadLetters).isEqualTo(sent.bad());
    assertThat(sum(metrics, "ferry_records_applied_total")).isEqualTo(rows);
    assertThat(sum(metrics, "ferry_records_dead_lettered_total")).isEqualTo(deadLetters);
    assertThat(sum(metrics, "ferry_records_consumed_total")).isEqualTo(1_000);
    assertThat(
            value(
                metrics,
                "ferry_records_dead_lettered_total{pipeline=\"events\",reason=\"invalid-json\"}"))
        .isPositive();
    assertThat(metrics)
        .contains("ferry_records_applied_total{pipeline=\"events\"}")
        // Registered at start: a reason that never happened is there at 0.
        .contains(
            "ferry_records_dead_lettered_total{pipeline=\"events\",reason=\"transform-failed\"} 0.0")
        .contains("ferry_records_skipped_total{pipeline=\"events\",reason=\"no-rows\"} 0.0")
        .contains("ferry_partitions_assigned 2.0")
        .contains("ferry_queue_capacity 10000.0")
        .contains("ferry_lane_depth{lane=\"1\"}")
        .contains("ferry_batch_size_count")
        .contains("ferry_transaction_duration_seconds_bucket")
        .contains("ferry_end_to_end_latency_seconds_count")
        .contains("ferry_consumer_lag{partition=\"0\",topic=\"" + topic + "\"}")
        .contains("ferry_oldest_uncommitted_age_seconds")
        .contains("ferry_sink_available 1.0")
        .contains("ferry_ready 1.0")
        .contains("ferry_lifecycle_state 1.0")
        .contains("ferry_rebalances_total{kind=\"assigned\"} 1.0")
        .contains("hikaricp_connections")
        .contains("kafka_consumer_")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_usage");
  }

  /** The value of one series, named with all its labels; fails if the scrape lacks it. */
  static double value(String exposition, String series) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series);
  }

  /** The sum of every sample of a metric, across its labels. */
  private static long sum(String exposition, String metric) {
    return Math.round(Scrape.sum(exposition, metric));
  }
}
