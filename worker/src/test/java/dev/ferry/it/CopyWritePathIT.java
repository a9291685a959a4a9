package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Insert-mode runs go through {@code COPY … FROM STDIN}: text with every character the COPY format
 * gives a meaning, NULLs and non-ASCII lands exactly as the statements write it, and a batch whose
 * COPY fails on one row's constraint is isolated row by row, landing the other rows and
 * dead-lettering exactly that record. A statement trigger counts the COPYs and INSERTs the target
 * sees, in sequences, which a rolled-back transaction does not undo.
 */
@Timeout(180)
class CopyWritePathIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every character COPY's text format escapes, the end-of-data marker, NULL's spelling. */
  private static final List<String> AWKWARD =
      List.of(
          "back\\slash",
          "tab\there",
          "new\nline",
          "carriage\rreturn",
          "\r\n",
          "\\.",
          "\\N",
          "N",
          "",
          "trailing backslash\\",
          "\\t is not a tab",
          "é, € and 😀 in 中文",
          "  spaces kept  ");

  private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

  static {
    COLUMNS.put("user_id", "/user_id");
    COLUMNS.put("type", "/type");
    COLUMNS.put("event_id", "/event_id");
    COLUMNS.put("amount", "/amount");
    COLUMNS.put("ts", "/ts");
    COLUMNS.put("attrs", "/attrs");
  }

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

  private static void table(String name, String amountCheck) {
    PG.execute(
        ("CREATE TABLE %1$s (user_id text, type text, event_id uuid NOT NULL, amount numeric(12,2)"
                + " %2$s, ts timestamptz, attrs jsonb, tx bigint DEFAULT txid_current());"
                + " CREATE SEQUENCE %1$s_copies; CREATE SEQUENCE %1$s_inserts;"
                + " CREATE TRIGGER counted BEFORE INSERT ON %1$s FOR EACH STATEMENT"
                + " EXECUTE FUNCTION count_statements()")
            .formatted(name, amountCheck));
  }

  /** How often the sequence was advanced: how many statements of that kind began. */
  private static long statements(String sequence) {
    return PG.queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence);
  }

  @Test
  void awkwardTextAndNullsLandExactlyAsTheStatementsWriteThem() throws Exception {
    String topic = KAFKA.uniqueTopic("copy-awkward");
    KAFKA.createTopic(topic, 1);
    table("copied", "");
    table("stated", "");
    List<ObjectNode> records = new ArrayList<>();
    for (int i = 0; i < 3 * AWKWARD.size(); i++) {
      ObjectNode r = JSON.createObjectNode();
      String text = AWKWARD.get(i % AWKWARD.size());
      if (i % 5 == 4) {
        r.putNull("user_id");
      } else {
        r.put("user_id", text);
      }
      r.put("type", AWKWARD.get((i + 1) % AWKWARD.size()));
      r.put("event_id", UUID.randomUUID().toString());
      if (i % 7 == 6) {
        r.putNull("amount");
        r.putNull("attrs");
      } else {
        r.put("amount", new BigDecimal("12.5").add(BigDecimal.valueOf(i)));
        r.putObject("attrs").put("note", text).put("i", i);
      }
      r.put("ts", "2026-01-01T00:00:00.123456789Z");
      records.add(r);
    }
    produce(topic, records);

    run(topic, "copy-awkward", "copied", "copy");
    run(topic, "statements-awkward", "stated", "statements");

    assertThat(statements("copied_copies")).as("COPYs into copied").isEqualTo(1);
    assertThat(statements("copied_inserts")).as("INSERTs into copied").isZero();
    assertThat(statements("stated_copies")).as("COPYs into stated").isZero();
    assertThat(PG.queryLong("SELECT count(DISTINCT tx) FROM copied")).isEqualTo(1);
    for (ObjectNode r : records) {
      List<Map<String, Object>> rows =
          PG.queryRows(
              "SELECT user_id, type, amount::text AS amount, attrs->>'note' AS note FROM copied"
                  + " WHERE event_id = '"
                  + r.get("event_id").asText()
                  + "'");
      assertThat(rows).hasSize(1);
      Map<String, Object> row = rows.get(0);
      assertThat(row.get("user_id"))
          .isEqualTo(r.get("user_id").isNull() ? null : text(r, "user_id"));
      assertThat(row.get("type")).isEqualTo(text(r, "type"));
      if (r.get("attrs").isNull()) {
        assertThat(row.get("note")).isNull();
        assertThat(row.get("amount")).isNull();
      } else {
        assertThat(row.get("note")).isEqualTo(r.get("attrs").get("note").asText());
        assertThat(row.get("amount"))
            .isEqualTo(r.get("amount").decimalValue().setScale(2).toPlainString());
      }
    }
    String columns = "user_id, type, event_id, amount, ts, attrs::text";
    assertThat(PG.queryLong("SELECT count(*) FROM copied")).isEqualTo(records.size());
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM (SELECT "
                    + columns
                    + " FROM copied EXCEPT ALL SELECT "
                    + columns
                    + " FROM stated) differing"))
        .as("rows COPY wrote that the statements did not")
        .isZero();
    assertThat(PG.queryLong("SELECT count(*) FROM stated")).isEqualTo(records.size());
  }

  @Test
  void aCopyFailingOnOneRowLandsTheOthersAndDeadLettersExactlyThatRecord() throws Exception {
    String topic = KAFKA.uniqueTopic("copy-isolation");
    KAFKA.createTopic(topic, 1);
    table("checked", "CHECK (amount >= 0)");
    int bad = 37;
    List<ObjectNode> records = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ObjectNode r = JSON.createObjectNode();
      r.put("user_id", "u" + i);
      r.put("type", i == bad + 1 ? "tab\tafter the bad row" : "click");
      r.put("event_id", UUID.randomUUID().toString());
      r.put("amount", i == bad ? -3 : i);
      r.put("ts", "2026-01-01T00:00:00Z");
      r.putObject("attrs");
      records.add(r);
    }
    produce(topic, records);

    run(topic, "copy-isolation", "checked", "copy");

    assertThat(statements("checked_copies")).as("the batch's COPY, rolled back").isEqualTo(1);
    assertThat(statements("checked_inserts")).as("one INSERT per record, isolated").isEqualTo(100);
    assertThat(PG.queryLong("SELECT count(*) FROM checked")).isEqualTo(99);
    assertThat(PG.queryLong("SELECT count(DISTINCT tx) FROM checked")).isEqualTo(1);
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM checked WHERE event_id = '"
                    + records.get(bad).get("event_id").asText()
                    + "'"))
        .isZero();
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).hasSize(1);
    assertThat(DeadLetters.header(dead.get(0), DeadLetterHeaders.ORIGINAL_OFFSET))
        .isEqualTo(String.valueOf(bad));
    assertThat(DeadLetters.header(dead.get(0), DeadLetterHeaders.REASON))
        .isEqualTo("check-violation");
    assertThat(JSON.readTree(dead.get(0).value())).isEqualTo(records.get(bad));
  }

  private static String text(ObjectNode r, String field) {
    return r.get(field).asText();
  }

  private static void run(String topic, String group, String table, String writeMethod)
      throws Exception {
    RunningWorker.runUntilCaughtUp(
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group(group)
            .table(table)
            .columns(COLUMNS)
            .worker("threads", 1)
            .worker("batch-size", 500)
            .worker("batch-linger", "2s")
            .worker("write-method", writeMethod)
            .load(),
        KAFKA.bootstrapServers(),
        group,
        topic,
        Duration.ofSeconds(60));
  }

  private static void produce(String topic, List<ObjectNode> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (ObjectNode r : records) {
        producer.send(
            new ProducerRecord<>(
                topic, r.get("event_id").asText().getBytes(UTF_8), JSON.writeValueAsBytes(r)));
      }
      producer.flush();
    }
  }
}
