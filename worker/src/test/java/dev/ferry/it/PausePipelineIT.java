package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 1 of issue 21: two pipelines under load, the same generated events (same seed) into
 * two tables. {@code ferry pipeline pause second} (the CLI, Postgres only) stops the second within
 * worker.control-interval while the first keeps applying; a restarted worker keeps it paused (none
 * of what arrived meanwhile is applied); {@code POST /pipelines/second/resume} lets it catch up;
 * both tables then hold exactly the same rows, each event once.
 */
@Timeout(120)
class PausePipelineIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-pause";
  private static final int DURING = 1500;
  private static final int AFTER_RESTART = 300;

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
    PG.execute("CREATE TABLE second_events (LIKE events)");
    PG.execute("DELETE FROM ferry.pipeline_pauses WHERE group_id = '" + GROUP + "'");
  }

  private record Run(int exit, String out, String err) {}

  private static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void aPausedPipelineStaysPausedAcrossARestartWhileTheOtherRuns(@TempDir Path dir)
      throws Exception {
    String first = KAFKA.uniqueTopic("first");
    String second = KAFKA.uniqueTopic("second");
    KAFKA.createTopic(first, 3);
    KAFKA.createTopic(second, 3);
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, first)
            .group(GROUP)
            .worker("control-interval", "200ms")
            .morePipelines(
                """
                  - name: second
                    topics: [%s]
                    table: %s
                    columns:
                      event_id: /event_id
                      user_id: /user_id
                      type: /type
                      amount: /amount
                      ts: /ts
                      attrs: /attrs
                """
                    .formatted(second, PG.qualified("second_events")));
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());

    long pausedAt;
    try (RunningWorker worker = RunningWorker.start(yaml.load())) {
      // The load starts once the worker runs, so that its 5 s are not over before the pause (a
      // worker slow to start on a busy machine would otherwise catch up with all of it first).
      Thread loadFirst = load(first, DURING, 1).runInBackground();
      Thread loadSecond = load(second, DURING, 1).runInBackground();
      Scrape scrape = worker.scrape();
      await().atMost(Duration.ofSeconds(30)).until(() -> count("second_events") > 100);

      Run pause = ferry("pipeline", "pause", "second", "--reason", "load test", "-c", "" + config);
      assertThat(pause.exit()).as(pause.err()).isZero();
      assertThat(pause.out()).startsWith("pipeline second paused (group " + GROUP + ")");
      await()
          .atMost(Duration.ofSeconds(2))
          .until(() -> scrape.sum("ferry_pipeline_paused{pipeline=\"second\"}") == 1.0);
      assertThat(scrape.sum("ferry_pipeline_paused{pipeline=\"events\"}")).isZero();

      loadFirst.join();
      loadSecond.join();
      awaitCaughtUp(first); // the first keeps going to the end ...
      assertThat(count("events")).isEqualTo(DURING);
      pausedAt = count("second_events"); // ... the second stopped short of it
      assertThat(pausedAt).isLessThan(DURING);
      // Nothing is committed past what was applied (the dropped queued records leave a gap that
      // keeps the watermark below rows of other keys already applied: those are skipped on resume).
      assertThat(GroupLag.of(KAFKA.bootstrapServers(), GROUP, second))
          .isGreaterThanOrEqualTo(DURING - pausedAt);
      assertThat(scrape.ready().statusCode()).isEqualTo(200); // a pause is not "not ready"
      assertThat(scrape.ready().body()).contains("\"paused\":[\"second\"]");
    }

    // Both topics get more while the worker is down and after it is back.
    load(first, AFTER_RESTART, 2).run();
    load(second, AFTER_RESTART, 2).run();
    try (RunningWorker worker = RunningWorker.start(yaml.load())) {
      Scrape scrape = worker.scrape();
      awaitCaughtUp(first);
      assertThat(count("events")).isEqualTo(DURING + AFTER_RESTART);
      assertThat(count("second_events")).isEqualTo(pausedAt); // still paused, nothing applied
      assertThat(scrape.get("/pipelines").body())
          .contains("{\"pipeline\":\"events\",\"state\":\"running\",\"paused\":null")
          .contains("\"state\":\"paused\",\"paused\":{\"since\":")
          .contains("\"reason\":\"load test\"}");
      Run status = ferry("pipeline", "status", "-c", "" + config);
      assertThat(status.out()).contains("events: running").contains("second: paused since ");

      assertThat(scrape.post("/pipelines/second/resume").statusCode()).isEqualTo(200);
      assertThat(scrape.post("/pipelines/second/resume").statusCode()).isEqualTo(409);
      awaitCaughtUp(second);
      assertThat(count("second_events")).isEqualTo(DURING + AFTER_RESTART);
      assertThat(scrape.sum("ferry_pipeline_paused{pipeline=\"second\"}")).isZero();
      Run resume = ferry("pipeline", "resume", "second", "-c", "" + config);
      assertThat(resume.exit()).isZero();
      assertThat(resume.out()).isEqualTo("pipeline second was not paused; nothing changed\n");
    }
    // Exactly the same rows in both tables (same seeds), each event once.
    assertThat(PG.queryLong("SELECT count(DISTINCT event_id) FROM second_events"))
        .isEqualTo(DURING + AFTER_RESTART);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM ((SELECT * FROM events EXCEPT ALL SELECT * FROM second_events)"
                    + " UNION ALL (SELECT * FROM second_events EXCEPT ALL SELECT * FROM events)) d"))
        .isZero();
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM ferry.pipeline_pauses WHERE group_id = '" + GROUP + "'"))
        .isZero();
  }

  private static LoadGenerator load(String topic, int count, long seed) {
    return LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(count)
        .ratePerSecond(count == DURING ? 300 : 0)
        .seed(seed)
        .retainGood(false)
        .build();
  }

  private static long count(String table) {
    return PG.queryLong("SELECT count(*) FROM " + table);
  }

  private static void awaitCaughtUp(String topic) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
  }
}
