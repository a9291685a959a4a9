package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.app.StartupException;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Declaratively partitioned tables as targets: inserts into a {@code PARTITION BY RANGE} parent go
 * through one COPY (or statements) and land each row in its partition; upserts into a {@code
 * PARTITION BY LIST} parent, keyed by a primary key that includes the partition key, update rows in
 * place; a row no partition takes is dead-lettered alone; an upsert keyed without the partition key
 * is refused at start, saying why.
 */
@Timeout(120)
class PartitionedTableIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void countingStatements() {
    PG.execute(
        """
        CREATE FUNCTION count_statements() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM nextval(format('%I.%I', TG_TABLE_SCHEMA,
              TG_TABLE_NAME || CASE WHEN current_query() LIKE 'COPY%' THEN '_copies'
                                    ELSE '_inserts' END));
          RETURN NULL;
        END $$""");
  }

  /** A range-partitioned table by month, whose parent counts the COPYs and INSERTs it sees. */
  private static void readings(String name) {
    PG.execute(
        ("CREATE TABLE %1$s (id bigint NOT NULL, at timestamptz NOT NULL, value numeric(10,3))"
                + " PARTITION BY RANGE (at);"
                + " CREATE TABLE %1$s_2024_01 PARTITION OF %1$s"
                + " FOR VALUES FROM ('2024-01-01Z') TO ('2024-02-01Z');"
                + " CREATE TABLE %1$s_2024_02 PARTITION OF %1$s"
                + " FOR VALUES FROM ('2024-02-01Z') TO ('2024-03-01Z');"
                + " CREATE SEQUENCE %1$s_copies; CREATE SEQUENCE %1$s_inserts;"
                + " CREATE TRIGGER counted BEFORE INSERT ON %1$s FOR EACH STATEMENT"
                + " EXECUTE FUNCTION count_statements()")
            .formatted(name));
  }

  /** A list-partitioned table by region, with a primary key that includes the region. */
  private static void accounts(String name) {
    PG.execute(
        ("CREATE TABLE %1$s (region text NOT NULL, id bigint NOT NULL, balance numeric(12,2),"
                + " PRIMARY KEY (region, id)) PARTITION BY LIST (region);"
                + " CREATE TABLE %1$s_eu PARTITION OF %1$s FOR VALUES IN ('eu');"
                + " CREATE TABLE %1$s_us PARTITION OF %1$s FOR VALUES IN ('us')")
            .formatted(name));
  }

  @Test
  void insertsLandInTheirPartitionsThroughCopyAndThroughStatements() throws Exception {
    String topic = KAFKA.uniqueTopic("partitioned-insert");
    KAFKA.createTopic(topic, 1);
    readings("copied");
    readings("stated");
    List<String> records = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      String month = i % 2 == 0 ? "02" : "01";
      String day = String.format("%02d", i);
      records.add(
          "{\"id\": %d, \"at\": \"2024-%s-%sT10:00:00.25Z\", \"value\": %d.125}"
              .formatted(i, month, day, i));
      expected.add("%d|2024-%s-%s 10:00:00.25|%d.125|2024_%s".formatted(i, month, day, i, month));
    }
    produce(topic, records);

    run(topic, "partitioned-copy", "copied", "copy", "insert", "");
    run(topic, "partitioned-statements", "stated", "statements", "insert", "");

    assertThat(statements("copied_copies")).as("COPYs into copied").isEqualTo(1);
    assertThat(statements("copied_inserts")).as("INSERTs into copied").isZero();
    assertThat(statements("stated_copies")).as("COPYs into stated").isZero();
    assertThat(readingsIn("copied")).containsExactlyElementsOf(expected);
    assertThat(readingsIn("stated")).containsExactlyElementsOf(expected);
  }

  @Test
  void upsertsUpdateRowsInTheirPartitionsAndARowNoPartitionTakesIsDeadLettered() throws Exception {
    String topic = KAFKA.uniqueTopic("partitioned-upsert");
    KAFKA.createTopic(topic, 1);
    accounts("accounts_a");
    accounts("accounts_b");
    produce(
        topic,
        List.of(
            "{\"region\": \"eu\", \"id\": 1, \"balance\": 10}",
            "{\"region\": \"us\", \"id\": 1, \"balance\": 20}",
            "{\"region\": \"eu\", \"id\": 2, \"balance\": 30.5}",
            "{\"region\": \"apac\", \"id\": 1, \"balance\": 5}",
            "{\"region\": \"eu\", \"id\": 1, \"balance\": 11.25}",
            "{\"region\": \"us\", \"id\": 1, \"balance\": -21}"));

    run(topic, "partitioned-upsert-a", "accounts_a", "copy", "upsert", "[region, id]");
    run(topic, "partitioned-upsert-b", "accounts_b", "statements", "upsert", "[region, id]");

    for (String table : List.of("accounts_a", "accounts_b")) {
      assertThat(
              rows(
                  "SELECT tableoid::regclass::text, region, id, balance::text FROM "
                      + table
                      + " ORDER BY region, id"))
          .as(table)
          .containsExactly(
              table + "_eu|eu|1|11.25", table + "_eu|eu|2|30.50", table + "_us|us|1|-21.00");
    }
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).as("the apac record, once per run").hasSize(2);
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      assertThat(DeadLetters.header(d, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("3");
      assertThat(DeadLetters.header(d, DeadLetterHeaders.REASON)).isEqualTo("check-violation");
      assertThat(DeadLetters.header(d, DeadLetterHeaders.EXCEPTION_MESSAGE))
          .contains("no partition of relation \"accounts_");
    }
  }

  @Test
  void anUpsertKeyedWithoutThePartitionKeyIsRefusedAtStart() {
    String topic = KAFKA.uniqueTopic("partitioned-refused");
    KAFKA.createTopic(topic, 1);
    accounts("accounts_by_id");

    StartupException e =
        catchThrowableOfType(
            StartupException.class,
            () ->
                RunningWorker.start(
                    config(topic, "refused", "accounts_by_id", "copy", "upsert", "[id]")));

    assertThat(e.getMessage())
        .contains(
            "pipeline partitioned: table "
                + PG.qualified("accounts_by_id")
                + ": key-columns [id] leave out the partition key [region] of this partitioned"
                + " table, and an upsert needs a unique index (ON CONFLICT), which on a"
                + " partitioned table must include the partition key: add region to key-columns"
                + " and to a unique index");
  }

  /** Each reading as {@code id|at (UTC)|value|partition suffix}, by id. */
  private static List<String> readingsIn(String table) {
    return rows(
        "SELECT id, (at AT TIME ZONE 'UTC')::text, value::text,"
            + " substring(tableoid::regclass::text from '(\\d{4}_\\d{2})$') FROM "
            + table
            + " ORDER BY id");
  }

  private static List<String> rows(String sql) {
    return PG.queryRows(sql).stream()
        .map(row -> String.join("|", row.values().stream().map(String::valueOf).toList()))
        .toList();
  }

  /** How often the sequence was advanced: how many statements of that kind began. */
  private static long statements(String sequence) {
    return PG.queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence);
  }

  private static void produce(String topic, List<String> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (String r : records) {
        producer.send(new ProducerRecord<>(topic, r.getBytes(UTF_8)));
      }
      producer.flush();
    }
  }

  private static void run(
      String topic, String group, String table, String writeMethod, String mode, String keys)
      throws Exception {
    RunningWorker.runUntilCaughtUp(
        config(topic, group, table, writeMethod, mode, keys),
        KAFKA.bootstrapServers(),
        group,
        topic,
        Duration.ofSeconds(60));
  }

  private static dev.ferry.config.FerryConfig config(
      String topic, String group, String table, String writeMethod, String mode, String keys)
      throws Exception {
    boolean readings = mode.equals("insert");
    String columns =
        readings
            ? "id: /id\n      at: /at\n      value: /value"
            : "region: /region\n      id: /id\n      balance: /balance";
    String yaml =
        """
          - name: partitioned
            topics: [%s]
            table: %s
            mode: %s%s
            columns:
              %s
        """
            .formatted(
                topic,
                PG.qualified(table),
                mode,
                keys.isEmpty() ? "" : "\n    key-columns: " + keys,
                columns);
    return FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
        .withoutEventsPipeline()
        .morePipelines(yaml)
        .group(group)
        .worker("threads", 1)
        .worker("batch-size", 500)
        .worker("batch-linger", "1s")
        .worker("write-method", writeMethod)
        .load();
  }
}
