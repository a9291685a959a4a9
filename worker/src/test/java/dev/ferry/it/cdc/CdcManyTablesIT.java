package dev.ferry.it.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.cdc.SourceDatabase;
import dev.ferry.testkit.cdc.TableComparison;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDC at scale, end to end: real Debezium captures three source tables of different shapes (one
 * topic each, JSON with schemas on), and ONE pipeline ({@code envelope: debezium}, a {@code
 * topic-pattern}, a {@code table} template from the pattern's group, {@code tables-allowed}, {@code
 * auto-create}, {@code evolve}) replicates them into a target schema that starts empty. Ferry
 * creates the three tables, keyed by the Debezium key (one composite), with the types docs/cdc.md
 * names; the snapshot, inserts, updates, a key change, deletes and a truncate ({@code truncate:
 * apply}) land, and each target equals its source column by column. Then a column added at the
 * source appears in its target (nullable), the rows that use it carry it, the older rows keep NULL,
 * and the targets equal the sources again: 3 tables created, 1 column added, nothing dead-lettered.
 */
@Timeout(180)
class CdcManyTablesIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Duration CAUGHT_UP = Duration.ofSeconds(60);
  private static final List<String> NAMES = List.of("customers", "orders", "events");

  @Test
  void onePipelineCreatesEveryTableAndFollowsAnAddedColumn(@TempDir Path dir) throws Exception {
    List<String> captured = NAMES.stream().map(name -> "shop." + name).toList();
    assertThat(PG.queryLong(tablesOfTheTargetSchema())).as("target tables at start").isZero();
    try (CdcSource source = CdcSource.start(dir, KAFKA, captured, true, CdcManyTablesIT::setUp);
        Connection targetDb = PG.connect()) {
      String suffix = ".shop.customers";
      String customers = source.topic("shop.customers");
      String prefix = customers.substring(0, customers.length() - suffix.length());
      List<TableComparison> comparisons = new ArrayList<>();
      for (String name : NAMES) {
        comparisons.add(
            TableComparison.between(
                source.db().connection(), "shop." + name, targetDb, PG.qualified(name)));
      }
      RunningWorker worker = RunningWorker.start(yaml(prefix, customers).load());
      try (worker) {
        await("the three tables created")
            .atMost(CAUGHT_UP)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> PG.queryLong(tablesOfTheTargetSchema()) == 3);
        awaitEqual(comparisons, "after the snapshot");
        assertCreatedAsDeclared();

        for (List<String> transaction : changes()) {
          source.db().transaction(transaction);
        }
        source.awaitStreamed();
        awaitEqual(comparisons, "after inserts, updates, a key change, deletes and a truncate");
        assertThat(source.db().queryLong("SELECT count(*) FROM shop.events"))
            .as("source events after the truncate")
            .isEqualTo(1);

        source.db().execute("ALTER TABLE shop.orders ADD COLUMN note text");
        for (List<String> transaction : changesWithTheNewColumn()) {
          source.db().transaction(transaction);
        }
        source.awaitStreamed();
        awaitEqual(comparisons, "after the source added a column");
        assertThat(PG.queryRows(columnsOf("orders")))
            .as("orders after evolve")
            .contains(Map.of("column_name", "note", "type", "text", "is_nullable", "YES"));
        assertThat(PG.queryRows("SELECT id, note FROM orders WHERE note IS NOT NULL ORDER BY id"))
            .as("orders with a note")
            .containsExactly(
                Map.of("id", 11L, "note", "gift wrap"), Map.of("id", 40L, "note", "call first"));
        assertThat(PG.queryLong("SELECT count(*) FROM orders WHERE note IS NULL"))
            .as("older orders keep NULL")
            .isEqualTo(source.db().queryLong("SELECT count(*) FROM shop.orders WHERE note IS NULL"))
            .isEqualTo(4);

        assertThat(worker.scrape().sum("ferry_ddl_statements_total{kind=\"create-table\""))
            .as("tables created")
            .isEqualTo(3.0);
        assertThat(worker.scrape().sum("ferry_ddl_statements_total{kind=\"add-column\""))
            .as("columns added")
            .isEqualTo(1.0);
      }
      assertThat(worker.counters().deadLettered()).as("records dead-lettered").isZero();
    }
  }

  /** The worker: one pipeline for every table of the source's schema {@code shop}. */
  private static FerryYaml yaml(String prefix, String anyTopic) {
    String schema = PG.schema();
    return FerryYaml.events(KAFKA.bootstrapServers(), PG, anyTopic)
        .group("ferry-" + prefix)
        .withoutEventsPipeline()
        .morePipelines(
            """
              - name: shop
                topic-pattern: '%s\\.shop\\.(.+)'
                table: "%s.{1}"
                tables-allowed: '%s\\.(customers|orders|events)'
                envelope: debezium
                truncate: apply
                auto-create: true
                evolve: true
            """
                .formatted(prefix, schema, schema));
  }

  private static void setUp(SourceDatabase db) {
    db.execute(
        "CREATE SCHEMA shop",
        "CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL, email text,"
            + " vip boolean NOT NULL DEFAULT false, signed_up timestamptz NOT NULL)",
        "CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id int NOT NULL,"
            + " total numeric(12,2) NOT NULL, placed_on date NOT NULL, paid boolean)",
        "CREATE TABLE shop.events (stream text, seq bigint, event_id uuid NOT NULL,"
            + " payload jsonb, amount numeric(6,3), at timestamptz, PRIMARY KEY (stream, seq))",
        "INSERT INTO shop.customers VALUES"
            + " (1, 'Ann', 'ann@example.com', true, '2026-01-02 03:04:05.123456+00'),"
            + " (2, 'Bob', NULL, false, '2025-12-31 23:59:59+02'),"
            + " (3, 'Cé ''Zoë''', 'ce@example.com', false, '2000-02-29 12:00:00+00')",
        "INSERT INTO shop.orders VALUES (10, 1, 1234567890.12, '2026-01-02', true),"
            + " (11, 2, -0.50, '1999-12-31', NULL), (12, 3, 0.00, '1970-01-01', false)",
        "INSERT INTO shop.events VALUES"
            + " ('a', 1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, 2.50, null]}',"
            + " 1.5, '2026-06-01 00:00:00+00'),"
            + " ('a', 2, 'b1eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '\"text\"', NULL, NULL),"
            + " ('b', 1, 'c2eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', NULL, -999.999,"
            + " '1999-01-01 00:00:00.000001+00')");
  }

  /**
   * Inserts, updates, a primary-key change and deletes across the three tables, then a truncate of
   * one of them and changes after it.
   */
  private static List<List<String>> changes() {
    return List.of(
        List.of(
            "INSERT INTO shop.customers VALUES (4, 'Dee', 'dee@example.com', true, now())",
            "INSERT INTO shop.orders VALUES (20, 4, 99.99, '2026-03-04', false)",
            "INSERT INTO shop.events VALUES ('b', 2, gen_random_uuid(), '{\"b\": true}', 0.001,"
                + " now())"),
        List.of(
            "UPDATE shop.customers SET vip = true, email = NULL WHERE id = 2",
            "UPDATE shop.orders SET paid = true, total = total + 0.01 WHERE id = 12",
            "UPDATE shop.events SET payload = '[]' WHERE stream = 'a' AND seq = 2"),
        List.of(
            "UPDATE shop.customers SET id = 30 WHERE id = 3",
            "UPDATE shop.events SET seq = 3 WHERE stream = 'b' AND seq = 1"),
        List.of(
            "DELETE FROM shop.orders WHERE id = 10",
            "DELETE FROM shop.events WHERE stream = 'a' AND seq = 1",
            "INSERT INTO shop.orders VALUES (30, 30, 5.00, '2026-07-08', NULL)"),
        List.of("TRUNCATE shop.events"),
        List.of(
            "INSERT INTO shop.events VALUES ('c', 1, gen_random_uuid(), '{\"after\": \"truncate\"}',"
                + " 2.5, now())",
            "UPDATE shop.customers SET name = 'Ann B' WHERE id = 1"));
  }

  /** After {@code note} was added: a new row and an update use it, a new row leaves it NULL. */
  private static List<List<String>> changesWithTheNewColumn() {
    return List.of(
        List.of(
            "INSERT INTO shop.orders VALUES (40, 1, 12.34, '2026-08-09', true, 'call first')",
            "INSERT INTO shop.orders (id, customer_id, total, placed_on) VALUES"
                + " (41, 2, 1.00, '2026-08-10')"),
        List.of("UPDATE shop.orders SET note = 'gift wrap' WHERE id = 11"),
        List.of("INSERT INTO shop.customers VALUES (5, 'Eve', NULL, false, now())"));
  }

  /** The tables Ferry created have the types and primary keys the Debezium schemas declare. */
  private static void assertCreatedAsDeclared() {
    assertThat(types("customers"))
        .containsExactly(
            "id integer NO",
            "name text YES",
            "email text YES",
            "vip boolean YES",
            "signed_up timestamp with time zone YES");
    assertThat(types("orders"))
        .containsExactly(
            "id bigint NO",
            "customer_id integer YES",
            "total numeric(12,2) YES",
            "placed_on date YES",
            "paid boolean YES");
    assertThat(types("events"))
        .containsExactly(
            "stream text NO",
            "seq bigint NO",
            "event_id uuid YES",
            "payload jsonb YES",
            "amount numeric(6,3) YES",
            "at timestamp with time zone YES");
    assertThat(primaryKey("customers")).isEqualTo("id");
    assertThat(primaryKey("orders")).isEqualTo("id");
    assertThat(primaryKey("events")).isEqualTo("stream,seq");
  }

  /** Each column of a target table as {@code name type nullable}, in order. */
  private static List<String> types(String table) {
    return PG.queryRows(columnsOf(table)).stream()
        .map(row -> row.get("column_name") + " " + row.get("type") + " " + row.get("is_nullable"))
        .toList();
  }

  private static String columnsOf(String table) {
    return "SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,"
        + " CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable"
        + " FROM pg_attribute a WHERE a.attrelid = '"
        + PG.qualified(table)
        + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  }

  private static String primaryKey(String table) {
    return PG.queryRows(
            "SELECT string_agg(a.attname, ',' ORDER BY k.ord) AS key FROM pg_index i"
                + " CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indisprimary AND i.indrelid = '"
                + PG.qualified(table)
                + "'::regclass")
        .get(0)
        .get("key")
        .toString();
  }

  private static String tablesOfTheTargetSchema() {
    return "SELECT count(*) FROM pg_tables WHERE schemaname = '" + PG.schema() + "'";
  }

  private static void awaitEqual(List<TableComparison> comparisons, String when) {
    await("each target equals its source " + when)
        .atMost(CAUGHT_UP)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              for (TableComparison comparison : comparisons) {
                comparison.assertEqual();
              }
            });
  }
}
