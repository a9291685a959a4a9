package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.app.StartupException;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every {@code column-formats} declaration lands the exact value in Postgres through both write
 * paths, COPY and statements: bytea from base64 and hex (bytes COPY's text format gives a meaning
 * included), zone-less date-times in a declared zone, epoch units, times of day and intervals from
 * numbers, ISO-8601 durations. A value that is not in its declared encoding is dead-lettered; a
 * declaration that does not fit its column's type keeps the worker from starting.
 */
@Timeout(120)
class ColumnFormatsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String COLUMNS =
      "id bigint PRIMARY KEY, b64 bytea, hx bytea, hx_list bytea[], ts_local timestamptz,"
          + " wall timestamp, micros timestamptz, nanos timestamp, days date, secs timestamptz,"
          + " tod time, took interval, span interval";

  /** Column to {@code column-formats} declaration; every column is mapped from {@code /column}. */
  private static final Map<String, String> FORMATS = new LinkedHashMap<>();

  static {
    FORMATS.put("b64", "base64");
    FORMATS.put("hx", "hex");
    FORMATS.put("hx_list", "hex");
    FORMATS.put("ts_local", "\"zone:Europe/Berlin\"");
    FORMATS.put("wall", "\"zone:Europe/Berlin\"");
    FORMATS.put("micros", "epoch-micros");
    FORMATS.put("nanos", "epoch-nanos");
    FORMATS.put("days", "epoch-days");
    FORMATS.put("secs", "epoch-seconds");
    FORMATS.put("tod", "time-millis");
    FORMATS.put("took", "interval-millis");
    FORMATS.put("span", "iso-8601");
  }

  /** Records 1 to 3 land, record 4 is dead-lettered; produced as {@link #produce} says. */
  // As the worker reads records: exact decimals (1714564800.5 stays that).
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private static final List<String> RECORDS =
      List.of(
          """
          {"id": 1, "b64": "AFwKCQ3/Lg==", "hx": "00FF5C0A", "hx_list": ["5c4e", "0d0a"],
           "ts_local": "2024-05-01T14:00:00.123456", "wall": "2024-05-01T12:00:00Z",
           "micros": 1714564800123456, "nanos": 1714564800123456000, "days": 19844,
           "secs": 1714564800.5, "tod": 45296789, "took": 90061001, "span": "P1Y2M3DT4H5M6.5S"}""",
          """
          {"id": 2, "b64": "", "hx": "", "hx_list": [], "ts_local": "2024-01-15 08:30:00",
           "wall": 0, "micros": "-1", "nanos": 1999, "days": -1, "secs": "0", "tod": 0,
           "took": -1500, "span": "-P2W"}""",
          """
          {"id": 3, "b64": null, "hx": null, "hx_list": null, "ts_local": null, "wall": null,
           "micros": null, "nanos": null, "days": null, "secs": null, "tod": null, "took": null,
           "span": null}""",
          """
          {"id": 4, "b64": "not base64!", "hx": "00"}""");

  /** Rounds of records 1 to 3: enough rows for one COPY ({@code RowWrites.COPY_MIN_ROWS}). */
  private static final int ROUNDS = 6;

  /** What Postgres holds, as text, for records 1 to 3 (the id's last digit). */
  private static final List<String> EXPECTED =
      List.of(
          "1|\\x005c0a090dff2e|\\x00ff5c0a|{\"\\\\x5c4e\",\"\\\\x0d0a\"}|2024-05-01 12:00:00.123456"
              + "|2024-05-01 14:00:00|2024-05-01 12:00:00.123456|2024-05-01 12:00:00.123456"
              + "|2024-05-01|2024-05-01 12:00:00.5|12:34:56.789|25:01:01.001"
              + "|1 year 2 mons 3 days 04:05:06.5",
          "2|\\x|\\x|{}|2024-01-15 07:30:00|1970-01-01 01:00:00|1969-12-31 23:59:59.999999"
              + "|1970-01-01 00:00:00.000002|1969-12-31|1970-01-01 00:00:00|00:00:00"
              + "|-00:00:01.5|-14 days",
          "3|null|null|null|null|null|null|null|null|null|null|null|null");

  @Test
  void everyDeclarationLandsExactlyThroughCopyAndThroughStatements() throws Exception {
    String topic = KAFKA.uniqueTopic("column-formats");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE copied (" + COLUMNS + "); CREATE TABLE stated (" + COLUMNS + ")");
    // Which statement wrote the rows: a COPY or INSERTs, counted in sequences by a trigger.
    PG.execute(
        """
        CREATE SEQUENCE copies; CREATE SEQUENCE inserts;
        CREATE FUNCTION count_statements() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM nextval(format('%I.%I', TG_TABLE_SCHEMA,
              CASE WHEN current_query() LIKE 'COPY%' THEN 'copies' ELSE 'inserts' END));
          RETURN NULL;
        END $$;
        CREATE TRIGGER counted BEFORE INSERT ON copied FOR EACH STATEMENT
          EXECUTE FUNCTION count_statements()""");
    produce(topic);

    run(topic, "formats-copy", "copied", "copy");
    assertThat(statements("copies")).as("COPYs into copied").isEqualTo(1);
    assertThat(statements("inserts")).as("INSERTs into copied").isZero();
    run(topic, "formats-statements", "stated", "statements");

    List<String> expected = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (String row : EXPECTED) {
        expected.add(id(round, Integer.parseInt(row.substring(0, 1))) + row.substring(1));
      }
    }
    assertThat(stored("copied")).as("through COPY").containsExactlyElementsOf(expected);
    assertThat(stored("stated")).as("through statements").containsExactlyElementsOf(expected);
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).as("record 4, once per run").hasSize(2);
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      assertThat(DeadLetters.header(d, DeadLetterHeaders.ORIGINAL_OFFSET))
          .isEqualTo(String.valueOf(3 * ROUNDS));
      assertThat(DeadLetters.header(d, DeadLetterHeaders.REASON)).isEqualTo("coercion-failed");
      assertThat(DeadLetters.header(d, DeadLetterHeaders.EXCEPTION_MESSAGE))
          .isEqualTo(
              "column \"b64\" (bytea): \"not base64!\" is not base64 (column-formats): Illegal"
                  + " base64 character 20");
    }
  }

  @Test
  void aDeclarationThatDoesNotFitItsColumnKeepsTheWorkerFromStarting() {
    String topic = KAFKA.uniqueTopic("column-formats-misfit");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE misfit (id bigint, payload integer, at_time timetz, extra bytea)");
    String yaml =
        """
          - name: misfit
            topics: [%s]
            table: %s
            columns:
              id: /id
              payload: /payload
              at_time: /at_time
            column-formats:
              payload: base64
              at_time: time-millis
              gone: hex
              extra: hex
        """
            .formatted(topic, PG.qualified("misfit"));

    StartupException e =
        catchThrowableOfType(
            StartupException.class,
            () ->
                RunningWorker.start(
                    FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                        .withoutEventsPipeline()
                        .morePipelines(yaml)
                        .load()));

    assertThat(e.getMessage())
        .contains(
            "pipeline misfit: table "
                + PG.qualified("misfit")
                + ": column-formats.payload: base64 does not fit column payload of type integer"
                + " (it fits bytea); column-formats.at_time: time-millis does not fit column"
                + " at_time of type time with time zone (it fits time); column-formats.gone: the"
                + " table has no column gone; column-formats.extra: column extra is not mapped"
                + " (add it to columns)");
  }

  /** Records 1 to 3 in {@link #ROUNDS} rounds, each with its own ids, then record 4. */
  private static void produce(String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int round = 0; round < ROUNDS; round++) {
        for (String r : RECORDS.subList(0, 3)) {
          ObjectNode value = (ObjectNode) JSON.readTree(r);
          value.put("id", id(round, value.get("id").asInt()));
          producer.send(new ProducerRecord<>(topic, JSON.writeValueAsBytes(value)));
        }
      }
      producer.send(new ProducerRecord<>(topic, RECORDS.get(3).getBytes(UTF_8)));
      producer.flush();
    }
  }

  /** The id of record {@code record} (1 to 3) in round {@code round}: 101, 102, 103, 201 … */
  private static int id(int round, int record) {
    return 100 * (round + 1) + record;
  }

  /** How often the sequence was advanced: how many statements of that kind began. */
  private static long statements(String sequence) {
    return PG.queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence);
  }

  private static List<String> stored(String table) {
    // Each as text, the instants in UTC; each aliased, since the rows are maps by column label.
    String[] columns = {
      "id",
      "b64::text",
      "hx::text",
      "hx_list::text",
      "(ts_local AT TIME ZONE 'UTC')::text",
      "wall::text",
      "(micros AT TIME ZONE 'UTC')::text",
      "nanos::text",
      "days::text",
      "(secs AT TIME ZONE 'UTC')::text",
      "tod::text",
      "took::text",
      "span::text"
    };
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.length; i++) {
      select.append(i == 0 ? "" : ", ").append(columns[i]).append(" AS c").append(i);
    }
    return PG.queryRows(select + " FROM " + table + " ORDER BY id").stream()
        .map(row -> String.join("|", row.values().stream().map(String::valueOf).toList()))
        .toList();
  }

  private static void run(String topic, String group, String table, String writeMethod)
      throws Exception {
    StringBuilder yaml =
        new StringBuilder(
            """
              - name: formats
                topics: [%s]
                table: %s
                columns:
            """
                .formatted(topic, PG.qualified(table)));
    yaml.append("      id: /id\n");
    FORMATS
        .keySet()
        .forEach(c -> yaml.append("      ").append(c).append(": /").append(c).append('\n'));
    yaml.append("    column-formats:\n");
    FORMATS.forEach((c, f) -> yaml.append("      ").append(c).append(": ").append(f).append('\n'));
    RunningWorker.runUntilCaughtUp(
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .withoutEventsPipeline()
            .morePipelines(yaml.toString())
            .group(group)
            .worker("threads", 1)
            .worker("batch-size", 500)
            .worker("batch-linger", "1s")
            .worker("write-method", writeMethod)
            .load(),
        KAFKA.bootstrapServers(),
        group,
        topic,
        Duration.ofSeconds(60));
  }
}
