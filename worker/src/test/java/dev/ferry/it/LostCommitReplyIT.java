package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.net.TcpProxy;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connection breaks after a COMMIT reached Postgres but before its reply reached the worker: a
 * loopback proxy forwards the COMMIT and drops everything the server says after it, then resets the
 * connection. The transaction committed, the worker saw an I/O error. Writing the batch again would
 * duplicate it; the worker must read its offset markers, find the batch applied, and move on. Every
 * record lands exactly once.
 */
@Timeout(180)
class LostCommitReplyIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 20_000;
  private static final String GROUP = "ferry-lost-commit";

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aCommitWhoseReplyIsLostIsSettledFromTheMarkersAndNotWrittenTwice() throws Exception {
    String topic = KAFKA.uniqueTopic("lost-commit");
    KAFKA.createTopic(topic, 3);
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(RECORDS)
        .seed(47)
        .retainGood(false)
        .build()
        .run();
    Progress progress = new Progress(PG, "events");

    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", PG.port())) {
      RunningWorker worker =
          RunningWorker.start(
              FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                  .group(GROUP)
                  .viaPort(proxy.port())
                  // Statement text on the wire every time: a server-prepared COMMIT would be
                  // sent by name only, and the proxy's trap looks for the text.
                  .urlParameters("prepareThreshold=0")
                  .worker("threads", 1)
                  .worker("batch-size", 200)
                  .load());
      try (worker) {
        await().atMost(Duration.ofSeconds(60)).until(() -> progress.rows() >= 1_000);
        proxy.loseRepliesAfter("COMMIT");
        assertThat(proxy.awaitRepliesLost(Duration.ofSeconds(30)))
            .as("a COMMIT was caught")
            .isTrue();
        // The worker's only thread waits for that reply, so every row it saw committed is
        // counted; Postgres holding more rows means the caught COMMIT was applied.
        await("the caught COMMIT applied on the server")
            .atMost(Duration.ofSeconds(10))
            .until(() -> progress.rows() > worker.counters().applied());
        proxy.cut();
        proxy.restore();

        await("caught up")
            .atMost(Duration.ofSeconds(90))
            .until(() -> GroupLag.of(KAFKA.bootstrapServers(), GROUP, topic) == 0);
      }

      assertThat(worker.counters().commitsInDoubt()).isEqualTo(1);
      assertThat(worker.counters().deadLettered()).isZero();
      assertThat(progress.rows()).isEqualTo(RECORDS);
      assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    }
  }
}
