package dev.ferry.it.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.LogCapture;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.registry.ApicurioRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 3 of issue 20, with the real registry: a producer adds an optional field to its Avro
 * schema and the table Ferry created gains the column, nullable, of the declared type; the new
 * records carry their values and the old rows keep NULL. Two replicas that reach the same {@code
 * ALTER} at once both succeed and the column is added once. A new required field is dead-lettered
 * with reason {@code schema-evolution-refused}, every such record, while the others land.
 */
@Timeout(120)
class AvroEvolutionIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration APPLIED = Duration.ofSeconds(30);

  @TempDir static Path registryDir;
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() {
    registry = ApicurioRegistry.start(registryDir);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static FerryConfig config(String topic, String group, String table) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(Gauges.config(KAFKA, PG, topic, group, table, registry.url()), "test config");
  }

  @Test
  void anOptionalFieldAddsANullableColumnThatTheNewRecordsFill() throws Exception {
    String topic = KAFKA.uniqueTopic("gauges-evolve");
    KAFKA.createTopic(topic, 2);
    int v1 = registry.register(topic + "-value", Gauges.V1, "AVRO");
    produce(topic, 2, 1, 6, id -> Gauges.v1(v1, id));

    LogCapture log = LogCapture.attach();
    RunningWorker worker = RunningWorker.start(config(topic, "ferry-" + topic, "gauges"));
    try (log;
        worker) {
      await("version 1 applied")
          .atMost(APPLIED)
          .ignoreExceptions()
          .until(() -> count("gauges") == 6);
      assertThat(columns("gauges"))
          .containsExactly("id bigint NO", "device text YES", "celsius double precision YES");

      int v2 = registry.register(topic + "-value", Gauges.V2, "AVRO");
      produce(topic, 2, 7, 12, id -> Gauges.v2(v2, id));
      await("version 2 applied").atMost(APPLIED).until(() -> count("gauges") == 12);

      assertThat(columns("gauges"))
          .containsExactly(
              "id bigint NO",
              "device text YES",
              "celsius double precision YES",
              "battery_level integer YES");
      assertThat(worker.scrape().sum("ferry_ddl_statements_total{kind=\"create-table\"}"))
          .isEqualTo(1.0);
      assertThat(worker.scrape().sum("ferry_ddl_statements_total{kind=\"add-column\"}"))
          .isEqualTo(1.0);
      assertThat(log.linesContaining("pipeline gauges: ALTER TABLE"))
          .singleElement()
          .asString()
          .startsWith("INFO")
          .endsWith(
              "pipeline gauges: ALTER TABLE \""
                  + PG.schema()
                  + "\".\"gauges\" ADD COLUMN IF NOT EXISTS \"battery_level\" integer");
      assertThat(log.linesContaining("pipeline gauges: CREATE TABLE")).hasSize(1);
    }
    assertThat(worker.counters().deadLettered()).isZero();
    List<Map<String, Object>> expected = new ArrayList<>();
    for (long id = 1; id <= 12; id++) {
      expected.add(Gauges.row(id, id > 6));
    }
    ExactRows.assertTable(PG, "gauges", "id", expected);
  }

  /**
   * What proves the race: the test holds the very advisory lock the provisioner takes, so that
   * neither replica can finish its {@code ALTER} before the other has read the catalog, found the
   * column missing and queued on the lock: two waiters are seen in {@code pg_locks} before the lock
   * is let go. Both replicas share one group, each owns some of the four partitions, and every
   * partition switches to version 2 at once, so within each replica several worker threads reach
   * the new field together too.
   */
  @Test
  void twoReplicasRacingOnTheSameAlterBothSucceedAndTheColumnIsAddedOnce() throws Exception {
    String topic = KAFKA.uniqueTopic("gauges-race");
    String group = "ferry-" + topic;
    KAFKA.createTopic(topic, 4);
    int v1 = registry.register(topic + "-value", Gauges.V1, "AVRO");
    int v2 = registry.register(topic + "-value", Gauges.V2, "AVRO");
    FerryConfig config = config(topic, group, "race");

    LogCapture log = LogCapture.attach();
    RunningWorker first = RunningWorker.start(config);
    RunningWorker second = RunningWorker.start(config);
    try (log;
        first;
        second) {
      await("each replica owns partitions").atMost(APPLIED).until(() -> bothAssigned(group));
      produce(topic, 4, 1, 20, id -> Gauges.v1(v1, id));
      await("version 1 applied")
          .atMost(APPLIED)
          .ignoreExceptions()
          .until(() -> count("race") == 20);

      try (Connection lock = PG.connect()) {
        lock.setAutoCommit(false);
        try (PreparedStatement s =
            lock.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          s.setString(1, ddlLockKey("race"));
          s.execute();
        }
        produce(topic, 4, 21, 40, id -> Gauges.v2(v2, id));
        await("both replicas wait for the DDL lock")
            .atMost(Duration.ofSeconds(8))
            .until(() -> waitersFor(ddlLockKey("race")) == 2);
        lock.commit();
      }
      await("version 2 applied").atMost(APPLIED).until(() -> count("race") == 40);

      double added =
          first.scrape().sum("ferry_ddl_statements_total{kind=\"add-column\"}")
              + second.scrape().sum("ferry_ddl_statements_total{kind=\"add-column\"}");
      double created =
          first.scrape().sum("ferry_ddl_statements_total{kind=\"create-table\"}")
              + second.scrape().sum("ferry_ddl_statements_total{kind=\"create-table\"}");
      assertThat(added).as("the column is added once, by one replica").isEqualTo(1.0);
      assertThat(created).as("the table is created once").isEqualTo(1.0);
      assertThat(log.linesContaining("ADD COLUMN IF NOT EXISTS \"battery_level\"")).hasSize(1);
      assertThat(first.counters().deadLettered() + second.counters().deadLettered()).isZero();
    }
    assertThat(columns("race")).endsWith("battery_level integer YES");
    List<Map<String, Object>> expected = new ArrayList<>();
    for (long id = 1; id <= 40; id++) {
      expected.add(Gauges.row(id, id > 20));
    }
    ExactRows.assertTable(PG, "race", "id", expected);
  }

  @Test
  void aRequiredNewFieldIsDeadLetteredEveryTimeWhileTheOtherRecordsLand() throws Exception {
    String topic = KAFKA.uniqueTopic("gauges-required");
    String group = "ferry-" + topic;
    KAFKA.createTopic(topic, 1);
    int v1 = registry.register(topic + "-value", Gauges.V1, "AVRO");
    int v3 = registry.register(topic + "-value", Gauges.V3_REQUIRED, "AVRO");
    // Offsets 0..5, ids 1..6: version 3 at offsets 1 and 3, version 1 at the others.
    List<byte[]> values =
        List.of(
            Gauges.v1(v1, 1),
            Gauges.v3(v3, 2),
            Gauges.v1(v1, 3),
            Gauges.v3(v3, 4),
            Gauges.v1(v1, 5),
            Gauges.v1(v1, 6));
    RunningWorker worker = RunningWorker.start(config(topic, group, "required"));
    List<ConsumerRecord<byte[], byte[]>> dead;
    try (worker) {
      // The table is created from version 1 first: records of one partition run on several
      // threads (by key), and whichever reaches the missing table first would declare it.
      send(topic, values.subList(0, 1), 0);
      await("the table created from version 1")
          .atMost(APPLIED)
          .ignoreExceptions()
          .until(() -> count("required") == 1);
      send(topic, values.subList(1, values.size()), 1);
      await("four applied, two dead-lettered")
          .atMost(APPLIED)
          .ignoreExceptions()
          .until(() -> count("required") == 4 && worker.counters().deadLettered() == 2);
      dead = new ArrayList<>(DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt"));
      dead.sort(
          java.util.Comparator.comparing(
              r -> Long.parseLong(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_OFFSET))));
      assertThat(worker.scrape().sum("ferry_ddl_statements_total{kind=\"add-column\"}")).isZero();
    }

    assertThat(dead).hasSize(2);
    String table = PG.qualified("required");
    for (int i = 0; i < 2; i++) {
      ConsumerRecord<byte[], byte[]> r = dead.get(i);
      long offset = 1 + 2L * i;
      assertThat(r.value()).isEqualTo(values.get((int) offset));
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REASON))
          .isEqualTo("schema-evolution-refused");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.STAGE)).isEqualTo("transform");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.PIPELINE)).isEqualTo("gauges");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.GROUP)).isEqualTo(group);
      assertThat(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
      assertThat(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("0");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_OFFSET))
          .isEqualTo(Long.toString(offset));
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("0");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE))
          .isEqualTo(
              "table "
                  + table
                  + ": the record declares required field(s) [site] that table "
                  + table
                  + " has no column for: evolve adds only optional fields, as nullable columns"
                  + " (add the column, or make the field optional, then replay the dead"
                  + " letters)");
    }
    assertThat(columns("required"))
        .containsExactly("id bigint NO", "device text YES", "celsius double precision YES");
    ExactRows.assertTable(
        PG,
        "required",
        "id",
        List.of(Gauges.v1Row(1), Gauges.v1Row(3), Gauges.v1Row(5), Gauges.v1Row(6)));
  }

  /** {@code values} to partition 0, the first with id {@code first + 1}, one after the other. */
  private static void send(String topic, List<byte[]> values, int first) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(Gauges.record(topic, 0, first + i + 1, values.get(i))).get();
      }
    }
  }

  /** Readings {@code from}..{@code to}, round-robin over {@code partitions}, all acknowledged. */
  private static void produce(
      String topic, int partitions, long from, long to, java.util.function.LongFunction<byte[]> v)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (long id = from; id <= to; id++) {
        sent.add(producer.send(Gauges.record(topic, (int) (id % partitions), id, v.apply(id))));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long count(String table) {
    return PG.queryLong("SELECT count(*) FROM " + PG.qualified(table));
  }

  /** Each column as {@code name type nullable}, in order. */
  private static List<String> columns(String table) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = PG.connect();
        Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_schema = '"
                    + PG.schema()
                    + "' AND table_name = '"
                    + table
                    + "' ORDER BY ordinal_position")) {
      while (rows.next()) {
        out.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
      }
    }
    return out;
  }

  /** The key of the advisory lock the provisioner takes for {@code table} of the test schema. */
  private static String ddlLockKey(String table) {
    return "ferry.ddl:" + PG.qualified(table);
  }

  /** Sessions waiting for the advisory lock of {@code key} (hashtext, as the provisioner takes). */
  private static long waitersFor(String key) {
    return PG.queryLong(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND objsubid = 1 AND objid::bigint = (hashtext('"
            + key
            + "')::bigint & 4294967295)");
  }

  /** Whether the group has two members and each owns at least one partition. */
  private static boolean bothAssigned(String group) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      List<MemberDescription> members = List.copyOf(d.members());
      return members.size() == 2
          && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
    }
  }
}
