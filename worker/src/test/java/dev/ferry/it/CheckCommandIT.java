package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry check} reports what is in place and what is missing, and changes nothing. */
@Timeout(120)
@RunsBesideOthers
class CheckCommandIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void everythingInPlaceIsReportedOkWithTheDeadLetterTopicToBeCreated(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("check");
    KAFKA.createTopic(topic, 4);
    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .database("statement-timeout", "45s")
                .database("lock-timeout", "3s"),
            0);

    assertThat(output)
        .contains("postgres   ok: PostgreSQL")
        // As the server applies them to Ferry's sessions.
        .contains(
            "timeouts   statement_timeout 45s, lock_timeout 3s,"
                + " idle_in_transaction_session_timeout 2min")
        .contains("tracing    off")
        .contains("table      ok: " + PG.qualified("events"))
        .contains("topic      ok: " + topic + " (4 partitions)")
        .contains("dlt        absent: " + topic + ".dlt (created at start with 4 partitions)")
        .contains("result     ok");
  }

  @Test
  void eachTopicPatternListsTheTopicsItMatchesNowOrSaysItMatchesNone(@TempDir Path dir)
      throws Exception {
    String base = KAFKA.uniqueTopic("check-pattern");
    KAFKA.createTopic(base + ".b", 1);
    KAFKA.createTopic(base + ".a", 2);
    KAFKA.createTopic(base + ".a.dlt", 2);
    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, "unused")
                .withoutEventsPipeline()
                .morePipelines(
                    """
                      - name: shop
                        topic-pattern: '%1$s\\..+'
                        table: %2$s
                        columns: {event_id: /event_id, user_id: /user_id, type: /type, ts: /ts}
                      - name: bank
                        topic-pattern: '%1$s-bank\\..+'
                        table: %2$s
                        columns: {event_id: /event_id, user_id: /user_id, type: /type, ts: /ts}
                    """
                        .formatted(base, PG.qualified("events"))),
            0);

    assertThat(output)
        .contains(
            "pattern    "
                + base
                + "\\..+ (pipeline shop) matches 2 topic(s) now: "
                + base
                + ".a, "
                + base
                + ".b")
        .contains(
            "pattern    "
                + base
                + "-bank\\..+ (pipeline bank) matches no topic now; topics created later that"
                + " match are consumed then")
        .contains("topic      ok: " + base + ".a (2 partitions)")
        .contains("dlt        ok: " + base + ".a.dlt")
        .contains("topic      ok: " + base + ".b (1 partitions)")
        .contains("dlt        absent: " + base + ".b.dlt (created at start with 1 partitions)")
        .doesNotContain("topic      ok: " + base + ".a.dlt")
        .contains("result     ok");
  }

  @Test
  void aMissingTableAndTopicAreProblems(@TempDir Path dir) throws Exception {
    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, "no-such-topic").table("no_such_table"),
            1);

    assertThat(output)
        .contains("table      PROBLEM: table " + PG.qualified("no_such_table") + " does not exist")
        .contains("topic      MISSING: no-such-topic")
        .contains("result     2 problem(s):");
  }

  @Test
  void tracingThatCannotBeConfiguredIsAProblem(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("check-tracing");
    KAFKA.createTopic(topic, 1);
    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .tracingProperty("otel.exporter.otlp.protocol", "grpc"),
            1);

    assertThat(output)
        .contains("tracing    PROBLEM: cannot configure tracing: ")
        .contains("result     1 problem(s):");
  }

  @Test
  void aMissingColumnAndAnUncoercibleTypeAreNamed(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("check-columns");
    KAFKA.createTopic(topic, 1);
    PG.execute(
        "CREATE TABLE shapes (id bigint, outline point, placed_at timestamptz, seen integer)");
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("id", "/id");
    columns.put("outline", "/outline");
    columns.put("colour", "/colour");
    columns.put("placed_at", "/placed_at");
    columns.put("seen", "@topic");

    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).table("shapes").columns(columns),
            1);

    assertThat(output)
        .contains("table      PROBLEM: pipeline events: table " + PG.qualified("shapes"))
        .contains("no column colour (it has: id, outline, placed_at, seen)")
        .contains("column outline has type point, which Ferry cannot write")
        .contains("column seen (integer) cannot hold @topic: \"orders\" is not a number")
        .doesNotContain("placed_at (")
        .contains("result     1 problem(s):");
  }

  @Test
  void aChangeEventPipelineIsCheckedAgainstItsTable(@TempDir Path dir) throws Exception {
    String replicated = KAFKA.uniqueTopic("shop.public.customers");
    String keyless = KAFKA.uniqueTopic("shop.public.visits");
    KAFKA.createTopic(replicated, 3);
    KAFKA.createTopic(keyless, 1);
    PG.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, source_db text)");
    PG.execute("CREATE TABLE visits (at timestamptz, page text)");
    String pipelines =
        "  - {name: customers, topics: ["
            + replicated
            + "], table: "
            + PG.qualified("customers")
            + ", envelope: debezium, truncate: apply, columns: {source_db: /source/db}}\n"
            + "  - {name: visits, topics: ["
            + keyless
            + "], table: "
            + PG.qualified("visits")
            + ", envelope: debezium}\n";

    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, replicated)
                .withoutEventsPipeline()
                .morePipelines(pipelines),
            1);

    assertThat(output)
        .contains(
            "table      ok: "
                + PG.qualified("customers")
                + " (pipeline customers): change events upserted by [id], columns by name [id,"
                + " name], listed [source_db]")
        .contains("table      PROBLEM: pipeline visits: table " + PG.qualified("visits"))
        .contains("truncate   WARNING: " + replicated + " has 3 partitions")
        .contains("result     1 problem(s):");
  }

  @Test
  void aRoutedPipelineShowsItsTemplateAndChecksTheTablesItAllowsNow(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("check-routed");
    KAFKA.createTopic(topic, 1);
    PG.execute("CREATE TABLE r_a (id int, note text)");
    PG.execute("CREATE TABLE r_b (id int, shape point)");
    PG.execute("CREATE TABLE r_c (id int, shape point)");
    String schema = PG.schema();
    String pipelines =
        """
          - name: routed
            topics: [%s]
            table: "%s.r_{header:kind}"
            tables-allowed: "%s\\\\.r_[ab]"
        """
            .formatted(topic, schema, schema);

    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .withoutEventsPipeline()
                .morePipelines(pipelines),
            1);

    assertThat(output)
        .contains(
            "table      routed: "
                + schema
                + ".r_{header:kind} (pipeline routed, tables-allowed "
                + schema
                + "\\.r_[ab]); other tables are checked at run time")
        .contains("table      ok: " + PG.qualified("r_a") + " (pipeline routed)")
        .contains(
            "table      PROBLEM: pipeline routed: table "
                + PG.qualified("r_b")
                + ": column shape has type point")
        .doesNotContain("r_c")
        .contains("result     1 problem(s):");
  }

  @Test
  void tablesFerryMayCreateAreNoProblemWhenMissingAndCheckedWhenPresent(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("check-create");
    for (String t : new String[] {".present", ".absent", ".noschema", ".routed"}) {
      KAFKA.createTopic(topic + t, 1);
    }
    PG.execute("CREATE TABLE ac_present (id bigint, note text)");
    Files.writeString(
        dir.resolve("order.json"),
        "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}}");
    String schema = PG.schema();
    String pipelines =
        """
          - {name: present, topics: [%1$s.present], table: %2$s.ac_present, schema: order.json,
             auto-create: true, unknown-fields: ignore}
          - {name: absent, topics: [%1$s.absent], table: %2$s.ac_absent, schema: order.json,
             auto-create: true, evolve: true}
          - {name: noschema, topics: [%1$s.noschema], table: no_such_schema_ac.orders,
             schema: order.json, auto-create: true}
          - name: routed
            topics: [%1$s.routed]
            table: "%2$s.ac_{header:kind}"
            tables-allowed: "%2$s\\\\.ac_(x|y)"
            schema: order.json
            auto-create: true
        """
            .formatted(topic, schema);

    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic + ".present")
                .withoutEventsPipeline()
                .morePipelines(pipelines),
            1);

    assertThat(output)
        .contains("table      ok: " + PG.qualified("ac_present") + " (pipeline present)")
        .contains(
            "table      absent: "
                + PG.qualified("ac_absent")
                + " (pipeline absent): created from the declared schema on the first record"
                + " (auto-create)")
        .contains(
            "table      PROBLEM: pipeline noschema: table no_such_schema_ac.orders does not exist"
                + " and cannot be created (auto-create): schema no_such_schema_ac does not exist"
                + " (Ferry creates tables, not schemas)")
        .contains(
            "table      routed: "
                + schema
                + ".ac_{header:kind} (pipeline routed, tables-allowed "
                + schema
                + "\\.ac_(x|y)); other tables are checked at run time, and created from the"
                + " declared schema by the first record routed to them (auto-create)")
        .contains(
            "table      none of the existing tables is allowed yet; each is created on first use")
        .contains("result     1 problem(s):");
    // check changes nothing: the missing table is still missing.
    assertThat(PG.queryLong("SELECT count(*) FROM pg_class WHERE relname = 'ac_absent'")).isZero();
  }

  @Test
  void theUrlsSslParametersReachTheDriver(@TempDir Path dir) throws Exception {
    // The Postgres of these machines has ssl off: requiring it must fail, and say so.
    String topic = KAFKA.uniqueTopic("check-ssl");
    KAFKA.createTopic(topic, 1);
    String output =
        check(
            dir,
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic).urlParameters("sslmode=require"),
            1);

    assertThat(output).contains("postgres   UNREACHABLE:").contains("does not support SSL");
  }

  private static String check(Path dir, FerryYaml yaml, int expectedExit) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, yaml.text());
    try (FerryProcess ferry = FerryProcess.start(dir, "check", "--config", config.toString())) {
      assertThat(ferry.awaitExit(Duration.ofSeconds(60)))
          .as("exit code; output:\n%s", ferry.output())
          .isEqualTo(expectedExit);
      return ferry.output();
    }
  }
}
