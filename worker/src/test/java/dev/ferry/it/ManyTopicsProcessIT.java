package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's first acceptance line from outside: one pipeline with a topic pattern and a table
 * template replicates 50 topics into 50 tables that Ferry creates from the pipeline's JSON Schema;
 * the worker process is killed with SIGKILL while it is part way through and restarted; a 51st
 * topic created while the restarted worker runs is picked up within a minute, with the default
 * {@code kafka.topic-refresh-interval}, its table created by Ferry.
 *
 * <p>The created tables have no unique key, so a record applied twice would be a second row, and
 * each topic's ids are distinct and known, so a lost or doubled record changes its table's count or
 * id sum.
 */
@Timeout(180)
@RunsBesideOthers
class ManyTopicsProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int TOPICS = 50;
  private static final int PER_TOPIC = 300;
  private static final int TOTAL = TOPICS * PER_TOPIC;
  private static final String GROUP = "ferry-many";
  private static final Map<String, String> TEXT_LOG = Map.of("FERRY_LOG_FORMAT", "text");

  @Test
  void fiftyTopicsIntoFiftyCreatedTablesAndAFiftyFirstOnTheFlyExactlyOnceAcrossASigkill(
      @TempDir Path dir) throws Exception {
    String prefix = KAFKA.uniqueTopic("many"); // many-<n>-<hex>: no regex metacharacters
    List<String> topics = IntStream.rangeClosed(0, TOPICS).mapToObj(i -> topic(prefix, i)).toList();
    // One by one, each awaited until its partition has a leader: records sent to a partition the
    // broker has not set up yet can leave the idempotent producer stuck out of sequence.
    topics.subList(0, TOPICS).forEach(t -> KAFKA.createTopic(t, 1));
    produce(topics.subList(0, TOPICS));
    Path config = writeConfig(dir, prefix);
    StringBuilder logs = new StringBuilder();

    try (FerryProcess ferry =
        FerryProcess.start(dir, TEXT_LOG, "run", "--config", config.toString())) {
      await("a third of the rows before the kill")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .failFast("ferry exited:\n" + ferry.output(), () -> !ferry.isAlive())
          .until(() -> totalRows() >= TOTAL / 3);
      ferry.sigkill();
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
      logs.append(ferry.output());
    }
    long atKill = totalRows();
    assertThat(atKill).as("rows when killed: some, not all").isBetween(1L, TOTAL - 1L);

    String late = topics.get(TOPICS);
    try (FerryProcess ferry =
        FerryProcess.start(dir, TEXT_LOG, "run", "--config", config.toString())) {
      ferry.awaitOutput("partitions assigned", Duration.ofSeconds(60));
      assertThat(tableExists("t_" + TOPICS)).isFalse();
      long created = System.nanoTime();
      KAFKA.createTopic(late, 1);
      produce(List.of(late));
      await("the 51st topic's rows")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .failFast("ferry exited:\n" + ferry.output(), () -> !ferry.isAlive())
          .until(() -> totalRows() >= TOTAL + PER_TOPIC);
      assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(Duration.ofMinutes(1));
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(40)))
          .as("exit code; output:\n%s", ferry.output())
          .isZero();
      assertThat(ferry.output())
          .as("the 51st table is created by the restarted worker")
          .contains(createTable(TOPICS));
      logs.append(ferry.output());
    }
    for (int i = 0; i <= TOPICS; i++) {
      // Logged after its commit: a SIGKILL may take the line of a table the first worker created.
      assertThat(logs.toString().split(Pattern.quote(createTable(i)), -1).length - 1)
          .as("CREATE TABLE t_%d statements logged (each one ran)", i)
          .isLessThanOrEqualTo(1);
    }

    assertEveryRecordExactlyOnce();
    assertCommittedAndNothingDeadLettered(topics);
  }

  private static Path writeConfig(Path dir, String prefix) throws Exception {
    Path schema = dir.resolve("item.schema.json");
    Files.writeString(
        schema,
        """
        {"type": "object",
         "properties": {
           "id": {"type": "integer"},
           "itemName": {"type": "string"},
           "amount": {"type": "number"}},
         "required": ["id", "itemName"]}
        """);
    Path config = dir.resolve("ferry.yaml");
    // In a YAML double-quoted scalar "\\" is one backslash: the pattern is <prefix>\.t(\d+).
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, "unused")
            .withoutEventsPipeline()
            .group(GROUP)
            .clientProperty("session.timeout.ms", 6000)
            .clientProperty("heartbeat.interval.ms", 1000)
            .morePipelines(
                """
                  - name: many
                    topic-pattern: "%s\\\\.t(\\\\d+)"
                    table: "%s.t_{1}"
                    tables-allowed: "%s\\\\.t_[0-9]+"
                    schema: "%s"
                    auto-create: true
                """
                    .formatted(prefix, PG.schema(), PG.schema(), schema))
            .text());
    return config;
  }

  /** Each table: exactly its topic's rows, no key, each id once, the columns as declared. */
  private static void assertEveryRecordExactlyOnce() throws SQLException {
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                    + PG.schema()
                    + "'"))
        .isEqualTo(TOPICS + 1);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
                    + PG.schema()
                    + "'"))
        .as("no index, so no duplicate is refused")
        .isZero();
    assertThat(
            PG.queryRows(
                "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_schema = '"
                    + PG.schema()
                    + "' AND table_name = 't_7' ORDER BY ordinal_position"))
        .containsExactly(
            Map.of("column_name", "id", "data_type", "bigint"),
            Map.of("column_name", "item_name", "data_type", "text"),
            Map.of("column_name", "amount", "data_type", "numeric"));
    try (Connection c = PG.connect();
        Statement s = c.createStatement()) {
      for (int i = 0; i <= TOPICS; i++) {
        String sql =
            "SELECT count(*), count(DISTINCT id), sum(id), sum(amount),"
                + " count(*) FILTER (WHERE item_name = 'item ' || id) FROM t_"
                + i;
        try (ResultSet r = s.executeQuery(sql)) {
          r.next();
          long firstId = i * 1000L;
          assertThat(
                  List.of(
                      r.getLong(1),
                      r.getLong(2),
                      r.getLong(3),
                      r.getBigDecimal(4).toPlainString(),
                      r.getLong(5)))
              .as("t_%d: rows, distinct ids, id sum, amount sum, names", i)
              .containsExactly(
                  (long) PER_TOPIC,
                  (long) PER_TOPIC,
                  PER_TOPIC * firstId + (long) PER_TOPIC * (PER_TOPIC - 1) / 2,
                  amountSum().toPlainString(),
                  (long) PER_TOPIC);
        }
      }
    }
  }

  /** The group committed every record of all 51 topics, and no dead-letter topic holds any. */
  private static void assertCommittedAndNothingDeadLettered(List<String> topics) throws Exception {
    try (Admin admin = KAFKA.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      for (String t : topics) {
        ends.put(new TopicPartition(t, 0), OffsetSpec.latest());
        ends.put(new TopicPartition(t + ".dlt", 0), OffsetSpec.latest());
      }
      var end = admin.listOffsets(ends).all().get();
      for (String t : topics) {
        TopicPartition tp = new TopicPartition(t, 0);
        assertThat(end.get(tp).offset()).as(t).isEqualTo(PER_TOPIC);
        assertThat(committed.get(tp)).as("committed offset of %s", t).isNotNull();
        assertThat(committed.get(tp).offset()).as("committed offset of %s", t).isEqualTo(PER_TOPIC);
        assertThat(end.get(new TopicPartition(t + ".dlt", 0)).offset()).as(t + ".dlt").isZero();
      }
    }
  }

  /** The sum of j + 0.5 for j in 0 .. PER_TOPIC-1, as numeric sums it (scale 1). */
  private static BigDecimal amountSum() {
    return BigDecimal.valueOf((long) PER_TOPIC * (PER_TOPIC - 1) / 2)
        .add(new BigDecimal("0.5").multiply(BigDecimal.valueOf(PER_TOPIC)));
  }

  /** The start of the DDL log line of table t_i. */
  private static String createTable(int i) {
    return "CREATE TABLE IF NOT EXISTS \"" + PG.schema() + "\".\"t_" + i + "\" (";
  }

  private static String topic(String prefix, int i) {
    return prefix + ".t" + i;
  }

  /** Topic {@code <prefix>.tN} gets ids N*1000 .. N*1000+PER_TOPIC-1, amounts j + 0.5. */
  private static void produce(List<String> topics) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      List<Future<?>> sent = new ArrayList<>();
      for (String topic : topics) {
        int i = Integer.parseInt(topic.substring(topic.lastIndexOf(".t") + 2));
        for (int j = 0; j < PER_TOPIC; j++) {
          long id = i * 1000L + j;
          String value =
              "{\"id\": %d, \"itemName\": \"item %d\", \"amount\": %d.5}".formatted(id, id, j);
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      topic,
                      Long.toString(id).getBytes(StandardCharsets.UTF_8),
                      value.getBytes(StandardCharsets.UTF_8))));
        }
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
  }

  private static boolean tableExists(String table) {
    return PG.queryLong(
            "SELECT count(*) FROM pg_tables WHERE schemaname = '"
                + PG.schema()
                + "' AND tablename = '"
                + table
                + "'")
        == 1;
  }

  /** The rows of every table in the test schema, in one query over the tables that exist now. */
  private static long totalRows() {
    return PG.queryLong(
        "SELECT coalesce(sum((xpath('/row/c/text()', query_to_xml("
            + "format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename),"
            + " false, true, '')))[1]::text::bigint), 0) FROM pg_tables WHERE schemaname = '"
            + PG.schema()
            + "'");
  }
}
