package dev.ferry.cdc;

import dev.ferry.testkit.cdc.DebeziumConnect;
import dev.ferry.testkit.kafka.EmbeddedKafkaBroker;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A fixture generator, not a test: the build never runs it. It captures the real Debezium change
 * events under {@code src/test/resources/cdc/fixtures/} (see the README there): a private
 * PostgreSQL cluster, an embedded broker and two Debezium connectors on the same table, one with
 * the Connect schema wrapper and one without, then the SQL of {@link #SETUP} and {@link #CHANGES}.
 *
 * <p>Run it from {@code worker/} with the test classpath, after {@code mvn -pl cdc-runtime
 * generate-resources}: {@code java -cp target/test-classes:$(test classpath)
 * dev.ferry.cdc.DebeziumFixtureGenerator [output directory]}.
 */
public final class DebeziumFixtureGenerator {
  static final String SETUP =
      """
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE all_types (
        id integer PRIMARY KEY,
        c_smallint smallint, c_integer integer, c_bigint bigint,
        c_numeric numeric(12,4), c_numeric_any numeric,
        c_real real, c_double double precision, c_boolean boolean,
        c_text text, c_varchar varchar(40), c_uuid uuid,
        c_date date, c_time time, c_time3 time(3), c_timetz timetz,
        c_timestamp timestamp, c_timestamp3 timestamp(3), c_timestamptz timestamptz,
        c_interval interval, c_json json, c_jsonb jsonb, c_bytea bytea,
        c_enum mood, c_bit4 bit(4), c_varbit bit varying(8), c_big text);
      INSERT INTO all_types VALUES (1, 12, 123456, 1234567890123, 12345678.1234,
        3.14159265358979323846, 1.5, 2.718281828459045, true, 'hello', 'varchar value',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-05-01', '13:45:30.123456',
        '13:45:30.123', '13:45:30.123456+02', '2024-05-01 13:45:30.123456',
        '2024-05-01 13:45:30.123', '2024-05-01 13:45:30.123456+02',
        '1 year 2 mons 3 days 04:05:06.789012', '{"b": 1, "a": [1, 2]}',
        '{"b": 1, "a": [1, 2]}', '\\xdeadbeef00', 'happy', B'1010', B'101', 'short');
      INSERT INTO all_types VALUES (2, -32768, -2147483648, -9223372036854775808,
        -99999999.9999, -0.000000000000000000000000000001, -3.4e38, -1e-300, false, '',
        'ünïcødé 🚀', '00000000-0000-0000-0000-000000000000', '1969-12-31', '00:00:00',
        '00:00:00.001', '00:00:00-05:30', '1969-12-31 23:59:59.999999',
        '1900-01-01 00:00:00.001', '1969-12-31 23:59:59.999999+00',
        '-1 days -00:00:00.000001', '[]', '"a string"', '\\x', 'sad', B'0000', B'', '');
      INSERT INTO all_types VALUES (3, 32767, 2147483647, 9223372036854775807,
        99999999.9999, 123456789012345678901234567890.123456789, 3.4e38,
        1.7976931348623157e308, true, 'max', repeat('x', 40),
        'ffffffff-ffff-ffff-ffff-ffffffffffff', '9999-12-31', '23:59:59.999999',
        '23:59:59.999', '23:59:59.999999+14', '9999-12-31 23:59:59.999999',
        '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999+00',
        '1000 years 1 mon', '{"nested": {"deep": [true, null, 1.0e2]}}',
        '{"n": 12345678901234567890.123456789}', '\\x00ff', 'ok', B'1111', B'11111111', 'max');
      INSERT INTO all_types (id) VALUES (4);
      """;

  static final String CHANGES =
      """
      INSERT INTO all_types VALUES (10, 7, 70, 700, 0.0001, -1.5, 0.1, 0.1, true,
        'inserted', 'v', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '2000-02-29', '12:00:00.5',
        '12:00:00.5', '12:00:00.5-08', '2000-02-29 12:00:00.000001',
        '2000-02-29 12:00:00.5', '2000-02-29 12:00:00.000001-08', 'PT1.5S',
        '{"k": "v"}', '{"k": "v"}', '\\x0102', 'ok', B'0101', B'1',
        (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200)));
      UPDATE all_types SET c_integer = c_integer + 1 WHERE id = 10;
      BEGIN;
      UPDATE all_types SET c_text = 'first' WHERE id = 1;
      UPDATE all_types SET c_text = 'second' WHERE id = 1;
      COMMIT;
      UPDATE all_types SET id = 5 WHERE id = 3;
      DELETE FROM all_types WHERE id = 2;
      TRUNCATE all_types;
      """;

  /** What each record is, in the order Debezium writes them for {@link #CHANGES}. */
  static final List<String> LABELS =
      List.of(
          "r-typical",
          "r-edge",
          "r-max",
          "r-nulls",
          "c-all-types",
          "u-toast-unchanged",
          "u-in-tx-first",
          "u-in-tx-second",
          "d-key-change",
          "tombstone-key-change",
          "c-key-change",
          "d",
          "tombstone",
          "t");

  private static final int SNAPSHOT_ROWS = 4;

  private DebeziumFixtureGenerator() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/cdc/fixtures");
    Path work = Files.createTempDirectory("ferry-cdc-fixtures-");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      capture(kafka, work.resolve("on"), true, out.resolve("schemas-on"));
      capture(kafka, work.resolve("off"), false, out.resolve("schemas-off"));
    }
  }

  /** One run on a fresh cluster: the table, the connector, the changes, the records saved. */
  private static void capture(EmbeddedKafkaBroker kafka, Path work, boolean schemas, Path out)
      throws Exception {
    String prefix = schemas ? "on" : "off";
    try (PrivatePostgres pg = PrivatePostgres.start();
        Connection c = connect(pg)) {
      execute(c, SETUP);
      DebeziumConnect.Source source =
          new DebeziumConnect.Source(pg, "postgres", prefix, List.of("public.all_types"));
      try (DebeziumConnect connect =
          DebeziumConnect.start(work, kafka.bootstrapServers(), source, schemas)) {
        System.out.println("capturing " + prefix + " with slot " + connect.slotName());
        save(read(kafka, prefix + ".public.all_types", c), out);
      }
    }
  }

  private static Connection connect(PrivatePostgres pg) throws SQLException {
    Properties user = new Properties();
    user.setProperty("user", "postgres");
    Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), user);
    c.setAutoCommit(true);
    return c;
  }

  private static void execute(Connection c, String script) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : script.split(";\n")) {
        if (!sql.isBlank()) {
          s.execute(sql);
        }
      }
    }
  }

  /**
   * The topic's records: the snapshot's first, then those of {@link #CHANGES}, which run only once
   * the snapshot is on the topic (its select would otherwise see the changes' end state).
   */
  private static List<ConsumerRecord<byte[], byte[]>> read(
      EmbeddedKafkaBroker kafka, String topic, Connection c) throws SQLException {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                topic + "-fixtures",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      pollUntil(consumer, records, SNAPSHOT_ROWS);
      execute(c, CHANGES);
      pollUntil(consumer, records, LABELS.size());
    }
    if (records.size() != LABELS.size()) {
      StringBuilder got = new StringBuilder();
      records.forEach(
          r ->
              got.append(r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8))
                  .append('\n'));
      throw new IllegalStateException(
          topic + ": " + records.size() + " records, expected " + LABELS.size() + "\n" + got);
    }
    return records;
  }

  private static void pollUntil(
      KafkaConsumer<byte[], byte[]> consumer,
      List<ConsumerRecord<byte[], byte[]>> records,
      int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (records.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
  }

  private static void save(List<ConsumerRecord<byte[], byte[]>> records, Path dir)
      throws Exception {
    Files.createDirectories(dir);
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      String label = LABELS.get(i);
      String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
      String op = label.startsWith("tombstone") ? "" : "\"op\":\"" + label.charAt(0) + "\"";
      if (!value.contains(op)) {
        throw new IllegalStateException(dir + ": record " + i + " is not " + label + ": " + value);
      }
      if (r.key() != null) {
        Files.write(dir.resolve(label + ".key.json"), r.key());
      }
      if (r.value() != null) {
        Files.write(dir.resolve(label + ".value.json"), r.value());
      }
      StringBuilder moved = new StringBuilder();
      for (Header h : r.headers()) {
        if (h.key().equals("__debezium.newkey") || h.key().equals("__debezium.oldkey")) {
          moved.append(h.key()).append(": ").append(new String(h.value(), StandardCharsets.UTF_8));
        }
      }
      if (moved.length() > 0) {
        Files.writeString(dir.resolve(label + ".headers.txt"), moved + "\n");
      }
    }
  }
}
