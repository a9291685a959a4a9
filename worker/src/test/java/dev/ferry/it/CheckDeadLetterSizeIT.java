package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry check} warns about an existing dead-letter topic that takes smaller records than its
 * input topic plus Ferry's headers, and not about one that takes enough; a warning is no problem.
 */
@Timeout(120)
class CheckDeadLetterSizeIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aDltSmallerThanItsInputTopicIsWarnedAbout(@TempDir Path dir) throws Exception {
    String small = KAFKA.uniqueTopic("check-small-dlt");
    String roomy = KAFKA.uniqueTopic("check-roomy-dlt");
    KAFKA.createTopic(small, 1);
    KAFKA.createTopic(roomy, 1);
    // The input's own limit: no room for the headers.
    KAFKA.createTopic(small + ".dlt", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"));
    KAFKA.createTopic(roomy + ".dlt", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152"));

    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, small)
                .morePipelines(
                    """
                      - name: roomy
                        topics: [%s]
                        table: %s
                        columns: {event_id: /event_id, user_id: /user_id, type: /type, ts: /ts}
                    """
                        .formatted(roomy, PG.qualified("events"))));

    assertThat(output)
        .contains(
            "dlt        WARNING: "
                + small
                + ".dlt takes records of up to 1048588 bytes (max.message.bytes), less than"
                + " 1114124 for a record of "
                + small
                + " (1048588) with Ferry's headers")
        .contains("--entity-name " + small + ".dlt --add-config max.message.bytes=1114124")
        .doesNotContain("WARNING: " + roomy)
        .contains("result     ok");
  }

  private static String check(Path dir, FerryYaml yaml) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    try (FerryProcess ferry = FerryProcess.start(dir, "check", "--config", config.toString())) {
      assertThat(ferry.awaitExit(Duration.ofSeconds(60)))
          .as("exit code; output:\n%s", ferry.output())
          .isEqualTo(0);
      return ferry.output();
    }
  }
}
