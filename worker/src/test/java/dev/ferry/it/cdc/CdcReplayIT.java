package dev.ferry.it.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Newer wins over a replay: a change event dead-lettered because the target had a CHECK constraint
 * the source lacks ({@code check-violation}) is replayed with {@code ferry dlt replay} after the
 * row changed again at the source and the constraint was dropped. The replayed event is older than
 * what the row reflects, so it is counted stale ({@code ferry_records_skipped_total{reason=
 * "stale"}}) and the row keeps the newer value, although the constraint no longer stops it.
 */
@Timeout(180)
class CdcReplayIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String STALE = "ferry_records_skipped_total{reason=\"stale\"}";
  private static final Duration APPLIED = Duration.ofSeconds(60);

  @Test
  void aReplayedOldChangeIsCountedStaleAndNeverOverwritesTheNewerRow(@TempDir Path dir)
      throws Exception {
    PG.execute(
        "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL,"
            + " CONSTRAINT no_overdraft CHECK (balance >= 0))");
    try (CdcSource source =
        CdcSource.start(
            dir,
            KAFKA,
            List.of("public.accounts"),
            true,
            db ->
                db.execute(
                    "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)",
                    "INSERT INTO accounts VALUES (1, 10), (2, 10)"))) {
      String topic = source.topic("public.accounts");
      CdcPipeline pipeline = CdcPipeline.of(KAFKA, PG, topic, "accounts");
      Path config = Files.writeString(dir.resolve("ferry.yaml"), pipeline.yaml().text());
      RunningWorker worker = RunningWorker.start(pipeline.yaml().load());
      try (worker) {
        awaitBalance(1, 10);
        source.db().execute("UPDATE accounts SET balance = -5 WHERE id = 1");
        await("the overdraft dead-lettered")
            .atMost(APPLIED)
            .until(() -> pipeline.deadLetters().size() == 1);
        ConsumerRecord<byte[], byte[]> letter = pipeline.deadLetters().get(0);
        assertThat(DeadLetters.header(letter, DeadLetterHeaders.REASON))
            .isEqualTo("check-violation");
        source.db().execute("UPDATE accounts SET balance = 20 WHERE id = 1");
        source.db().execute("UPDATE accounts SET balance = 30 WHERE id = 2");
        awaitBalance(1, 20);
        awaitBalance(2, 30);
        PG.execute("ALTER TABLE accounts DROP CONSTRAINT no_overdraft");

        Run replay =
            ferry(
                "dlt",
                "replay",
                "--config",
                config.toString(),
                "--reason",
                "check-violation",
                "--name",
                topic + "-replay");

        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("selected   1").contains("replayed   1");
        await("the replayed change counted stale")
            .atMost(APPLIED)
            .until(() -> worker.scrape().sum(STALE) == 1.0);
        await("group caught up")
            .atMost(APPLIED)
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), pipeline.group(), topic) == 0);
        assertThat(PG.queryLong("SELECT balance FROM accounts WHERE id = 1"))
            .as("the row keeps the newer value")
            .isEqualTo(20);
        assertThat(PG.queryLong("SELECT balance FROM accounts WHERE id = 2")).isEqualTo(30);
        List<ConsumerRecord<byte[], byte[]>> replayed =
            DeadLetters.readAll(KAFKA.bootstrapServers(), topic).stream()
                .filter(r -> r.headers().lastHeader(DeadLetterHeaders.REPLAY_COUNT) != null)
                .toList();
        assertThat(replayed).as("the old change, back on its topic").hasSize(1);
        assertThat(replayed.get(0).value()).isEqualTo(letter.value());
      }
      assertThat(worker.counters().deadLettered()).as("nothing failed again").isEqualTo(1);
      assertThat(pipeline.deadLetters()).hasSize(1);
    }
  }

  private static void awaitBalance(int id, long balance) {
    await("account " + id + " at " + balance)
        .atMost(APPLIED)
        .until(
            () ->
                PG.queryLong(
                        "SELECT count(*) FROM accounts WHERE id = "
                            + id
                            + " AND balance = "
                            + balance)
                    == 1);
  }

  /** The CLI's exit code, standard output and standard error. */
  private record Run(int exit, String out, String err) {}

  private static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
