package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.app.Main;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Acceptance 2 of issue 21: {@code ferry pipeline rewind} to a timestamp on a table without a
 * unique key applies exactly the records at or after that timestamp again, once; it refuses while a
 * worker is in the group, a dry run changes nothing, and the audit row counts the records.
 */
@Timeout(120)
class RewindIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 20;
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  @BeforeAll
  static void tables() {
    PG.execute(
        "CREATE TABLE rewind_events (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT"
            + " NULL, amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb)");
  }

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

  @Test
  void rewindToATimestampAppliesTheLaterRecordsAgainOnce(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("rewind");
    String group = "ferry-" + topic;
    KAFKA.createTopic(topic, 2);
    // record i: partition i % 2, offset i / 2, timestamp T0 + i s
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                i % 2,
                T0.plusSeconds(i).toEpochMilli(),
                ("u" + i).getBytes(UTF_8),
                event(i).getBytes(UTF_8)));
      }
    }
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).group(group).table("rewind_events");
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    RunningWorker first = RunningWorker.start(yaml.load());
    try (first) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rows() == RECORDS);
    }
    String[] rewind = {
      "pipeline",
      "rewind",
      "events",
      "--config",
      config.toString(),
      "--to-timestamp",
      T0.plusSeconds(12).toString(),
      "--requested-by",
      "it"
    };

    RunningWorker running = RunningWorker.start(yaml.load());
    try (running;
        Admin admin = KAFKA.admin()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !members(admin, group).isEmpty());
      Run refused = ferry(rewind);
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err())
          .contains("consumer group " + group + " has 1 active member(s)")
          .contains("Stop every worker of this group (or scale the deployment to 0 replicas)")
          .contains("then run this command again");
    }

    Run dry = ferry(append(rewind, "--dry-run"));
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains(topic + "-0  10 -> 6  re-applies 4 records")
        .contains(topic + "-1  10 -> 6  re-applies 4 records")
        .contains("total: 8 records applied again")
        .contains("dry-run, nothing changed");
    assertThat(committed(group, topic)).containsExactly(10L, 10L);
    // the markers that would make the worker skip the re-read records are still there
    assertThat(markersFrom(group, topic, 6)).isEqualTo(8);

    Run real = ferry(rewind);
    assertThat(real.exit()).as(real.err()).isZero();
    assertThat(real.out()).contains("done: 8 records to apply again, 8 markers forgotten");
    assertThat(committed(group, topic)).containsExactly(6L, 6L);
    assertThat(markersFrom(group, topic, 6)).isZero();
    assertThat(markersFrom(group, topic, 0)).isEqualTo(12);
    assertThat(
            PG.queryRows(
                "SELECT dry_run, records, outcome, requested_by, spec FROM ferry.rewind_audit"
                    + " WHERE group_id = '"
                    + group
                    + "' ORDER BY id"))
        .extracting(r -> r.get("dry_run") + " " + r.get("records") + " " + r.get("outcome"))
        .containsExactly(
            "false 0 refused: the group has active members",
            "true 8 dry-run: nothing changed",
            "false 8 done: 8 records to apply again, 8 markers forgotten");

    RunningWorker after = RunningWorker.start(yaml.load());
    try (after) {
      await().atMost(Duration.ofSeconds(30)).until(() -> rows() == RECORDS + 8);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> committed(group, topic).equals(List.of(10L, 10L)));
    }
    Map<Long, Long> perRecord = new HashMap<>();
    for (Map<String, Object> r :
        PG.queryRows(
            "SELECT right(event_id::text, 4)::bigint AS i, count(*) AS n FROM rewind_events"
                + " GROUP BY 1")) {
      perRecord.put(((Number) r.get("i")).longValue(), ((Number) r.get("n")).longValue());
    }
    for (long i = 0; i < RECORDS; i++) {
      assertThat(perRecord.get(i)).as("rows of record %d", i).isEqualTo(i >= 12 ? 2L : 1L);
    }
  }

  private static long rows() {
    return PG.queryLong("SELECT count(*) FROM rewind_events");
  }

  private static long markersFrom(String group, String topic, long offset) {
    return PG.queryLong(
        "SELECT count(*) FROM ferry.applied_offsets a CROSS JOIN LATERAL unnest(a.offsets) o"
            + " WHERE a.group_id = '"
            + group
            + "' AND a.topic = '"
            + topic
            + "' AND o >= "
            + offset);
  }

  private static List<?> members(Admin admin, String group) throws Exception {
    return List.copyOf(
        admin
            .describeConsumerGroups(List.of(group))
            .describedGroups()
            .get(group)
            .get(10, TimeUnit.SECONDS)
            .members());
  }

  private static List<Long> committed(String group, String topic) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      return List.of(
          offsets.get(new TopicPartition(topic, 0)).offset(),
          offsets.get(new TopicPartition(topic, 1)).offset());
    }
  }

  private static String[] append(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  private static String event(int i) {
    return """
        {"event_id": "00000000-0000-0000-0000-%012d", "user_id": "u%d", "type": "click",
         "amount": 1.00, "ts": "2026-11-30T10:00:00Z", "attrs": {}}"""
        .formatted(i, i);
  }
}
