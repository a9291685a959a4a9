package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.Progress;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.load.LoadGenerator;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A topic deleted and created again under the same name starts at offset 0: the offset markers of
 * its earlier incarnation must not make Ferry skip the new records.
 */
@Timeout(120)
class TopicRecreationIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void theRecordsOfARecreatedTopicAreAllApplied() throws Exception {
    String topic = KAFKA.uniqueTopic("recreated");
    Progress progress = new Progress(PG, "events");
    FerryYaml yaml = FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group("ferry-recreate");

    KAFKA.createTopic(topic, 2);
    run(yaml, topic, 1_000, 41, 1_000, progress);

    try (Admin admin = KAFKA.admin()) {
      admin.deleteTopics(List.of(topic)).all().get();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !admin.listTopics().names().get().contains(topic));
    }
    KAFKA.createTopic(topic, 2);
    run(yaml, topic, 600, 42, 1_600, progress);

    assertThat(progress.rows()).isEqualTo(1_600);
    assertThat(progress.distinctEvents()).isEqualTo(1_600);
  }

  private static void run(
      FerryYaml yaml, String topic, int records, long seed, long expectedRows, Progress progress)
      throws Exception {
    LoadGenerator.builder(KAFKA.bootstrapServers())
        .topic(topic)
        .count(records)
        .seed(seed)
        .build()
        .run();
    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await().atMost(Duration.ofSeconds(60)).until(() -> progress.rows() >= expectedRows);
    }
  }
}
