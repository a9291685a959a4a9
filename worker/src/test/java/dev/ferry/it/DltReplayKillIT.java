package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.DltRecords;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay killed with SIGKILL halfway and run again under the same name puts every selected record
 * on the target exactly once for a read_committed reader: the killed run's open transaction is
 * aborted when the rerun starts, and the rerun resumes after the offsets its last committed
 * transaction recorded.
 */
@Timeout(240)
class DltReplayKillIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 3_000;

  @Test
  void aKilledReplayResumesUnderItsNameAndProducesNothingTwice(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("kill");
    String dlt = topic + ".dlt";
    String target = topic + "-replayed";
    KAFKA.createTopic(topic, 1);
    KAFKA.createTopic(dlt, 3);
    KAFKA.createTopic(target, 3);
    int chosenCount = 0;
    try (DltRecords records = new DltRecords(KAFKA.bootstrapServers())) {
      for (int i = 0; i < RECORDS; i++) {
        boolean chosen = i % 3 != 0;
        chosenCount += chosen ? 1 : 0;
        records.send(
            dlt, topic, i, chosen ? "check-violation" : "invalid-json", 0, "{\"n\":" + i + "}");
      }
    }
    int selected = chosenCount;
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).text());
    String[] args = {
      "dlt",
      "replay",
      "--config",
      config.toString(),
      "--reason",
      "check-violation",
      "--target",
      target,
      "--name",
      topic,
      "--rate",
      "400"
    };

    try (FerryProcess first = FerryProcess.start(dir, args)) {
      await("half of the selected records on the target (committed or not)")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> endOffsets(target) >= selected / 2);
      first.sigkill();
      assertThat(first.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
    }
    long afterKill = endOffsets(target);
    assertThat(afterKill).isLessThan(selected);

    String[] rerun = java.util.Arrays.copyOf(args, args.length - 2); // no rate limit
    try (FerryProcess second = FerryProcess.start(dir, rerun)) {
      assertThat(second.awaitExit(Duration.ofSeconds(120)))
          .as("rerun output:\n%s", second.output())
          .isZero();
      assertThat(second.output()).contains("resuming after the offsets this replay committed");
    }

    List<ConsumerRecord<byte[], byte[]>> landed =
        DeadLetters.readAll(KAFKA.bootstrapServers(), target, true);
    Map<String, Integer> copies = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : landed) {
      copies.merge(new String(r.value(), UTF_8), 1, Integer::sum);
    }
    assertThat(copies).hasSize(selected);
    assertThat(copies.values()).containsOnly(1);
    assertThat(copies).doesNotContainKey("{\"n\":0}"); // not selected: invalid-json
    assertThat(
            PG.queryRows(
                "SELECT outcome FROM ferry.replay_audit WHERE name = '" + topic + "' ORDER BY id"))
        .containsExactly(Map.of("outcome", "abandoned"), Map.of("outcome", "completed"));
  }

  /** All records written to the topic, committed or not (the sum of its end offsets). */
  private static long endOffsets(String topic) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }
}
