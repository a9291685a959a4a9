package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.ConfigLoader;
import dev.ferry.support.FerrySchema;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.support.SlowInserts;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of acceptance 4 of issue 21: a pipeline's {@code max-transactions} caps its
 * transactions open at once, and can be changed while it runs. Every row sleeps 20 ms in a trigger,
 * so a transaction of a 10-record batch lasts about 0.2 s and Postgres shows it sleeping ({@code
 * wait_event = 'PgSleep'}); four worker threads have a backlog to share. Sampled every 20 ms for 3
 * s: at most one sleeps under {@code max-transactions: 1}; after the admin API raises the limit to
 * 3, more than one and never more than three.
 */
@Timeout(120)
@RunsBesideOthers
class MaxTransactionsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String APPLICATION = "ferry-max-transactions";
  private static final String GROUP = "ferry-max-transactions";
  private static final Duration WINDOW = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(MaxTransactionsIT.class);

  @BeforeAll
  static void slowTable() throws Exception {
    PG.executeSchemaFile("events.sql");
    SlowInserts.everyRowSleeps(PG, "events", 0.02);
    FerrySchema.migrateAndClearRateLimits(PG, GROUP);
  }

  @Test
  void maxTransactionsCapsTheTransactionsOpenAtOnceAndCanBeRaisedWhileRunning() throws Exception {
    String topic = KAFKA.uniqueTopic("max-transactions");
    KAFKA.createTopic(topic, 8);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(1_500)
        .ratePerSecond(0)
        .seed(26)
        .retainGood(false)
        .build()
        .run();
    String yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(GROUP)
            .urlParameters("ApplicationName=" + APPLICATION)
            .worker("threads", 4)
            .worker("batch-size", 10)
            .worker("queue-capacity", 80) // a short drain at the end
            // Small polls, so the few records held come from several partitions (several lanes)
            // rather than all from the first partition fetched.
            .clientProperty("max.poll.records", 10)
            .text()
            .replace(
                "    tombstones: skip\n",
                "    tombstones: skip\n    rate-limit: {max-transactions: 1}\n");

    try (RunningWorker worker =
        RunningWorker.start(
            ConfigLoader.withEnvironment(Map.of()).parse(yaml, "max-transactions config"))) {
      Scrape scrape = new Scrape(worker.httpPort());
      await("rows are being written")
          .atMost(Duration.ofSeconds(30))
          .until(() -> sleepingTransactions() > 0);

      assertThat(mostAtOnce(WINDOW)).as("transactions open at once, limit 1").isEqualTo(1);
      assertThat(scrape.sum("ferry_pipeline_rate_limit_max_transactions{pipeline=\"events\"}"))
          .isEqualTo(1.0);

      HttpResponse<String> raised =
          scrape.post("/pipelines/events/rate-limit", "{\"max-transactions\": 3}");
      assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
      assertThat(scrape.sum("ferry_pipeline_rate_limit_max_transactions{pipeline=\"events\"}"))
          .isEqualTo(3.0);

      assertThat(mostAtOnce(WINDOW)).as("transactions open at once, limit 3").isBetween(2, 3);
    }
    long rows = PG.queryLong("SELECT count(*) FROM events");
    assertThat(rows).isGreaterThan(0);
    assertThat(PG.queryLong("SELECT count(DISTINCT event_id) FROM events")).isEqualTo(rows);
  }

  /**
   * The most transactions of the worker seen sleeping in the trigger at once, over {@code span}.
   */
  private static int mostAtOnce(Duration span) {
    long start = System.nanoTime();
    int[] most = {0};
    await("a window of " + span)
        .pollInterval(Duration.ofMillis(20))
        .atMost(span.plusSeconds(10))
        .until(
            () -> {
              most[0] = Math.max(most[0], sleepingTransactions());
              return System.nanoTime() - start >= span.toNanos();
            });
    log.info("at most {} transactions open at once over {}", most[0], span);
    return most[0];
  }

  private static int sleepingTransactions() {
    return (int)
        PG.queryLong(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                + APPLICATION
                + "' AND wait_event = 'PgSleep'");
  }
}
