package dev.ferry.ddl;

import static dev.ferry.ddl.TestSchemas.framed;
import static dev.ferry.ddl.TestSchemas.pipeline;
import static dev.ferry.ddl.TestSchemas.record;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.errors.Reason;
import dev.ferry.support.FerrySchema;
import dev.ferry.support.LogCapture;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Against the real Postgres: tables created from each kind of declared schema have exactly the
 * declared columns and primary key; evolve adds nullable columns and nothing else; every statement
 * is logged and counted.
 */
@Timeout(60)
class TablesFollowDeclaredSchemasIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AVRO_V1 =
      """
      {"type": "record", "name": "Order", "fields": [
        {"name": "orderId", "type": "long"},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12,
          "scale": 2}},
        {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "qty", "type": "int"}]}
      """;
  private static final String AVRO_V2 =
      """
      {"type": "record", "name": "Order", "fields": [
        {"name": "orderId", "type": "long"},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12,
          "scale": 2}},
        {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "qty", "type": "int"},
        {"name": "coupon", "type": ["null", "string"], "default": null},
        {"name": "giftWrap", "type": "boolean", "default": false}]}
      """;
  private static final String AVRO_V3_REQUIRED =
      AVRO_V1.replace(
          "{\"name\": \"qty\", \"type\": \"int\"}",
          "{\"name\": \"qty\", \"type\":"
              + " \"int\"}, {\"name\": \"channel\", \"type\": \"string\"}");

  private static PostgresTableProvisioner provisioner(PipelineSettings p, DdlStatements counts) {
    return PostgresTableProvisioner.of(FerrySchema.dataSource(PG), List.of(p), counts);
  }

  @Test
  void aTableIsCreatedFromAJsonSchemaOnceAndTheStatementIsLogged(@TempDir Path dir)
      throws Exception {
    Path schema = dir.resolve("events.schema.json");
    Files.writeString(
        schema,
        """
        {"type": "object", "required": ["eventId", "at"],
         "properties": {
           "eventId": {"type": "string", "format": "uuid"},
           "at": {"type": "string", "format": "date-time"},
           "amount": {"type": "number"},
           "count": {"type": "integer"},
           "attrs": {"type": "object"},
           "day": {"type": "string", "format": "date"}}}
        """);
    PipelineSettings p =
        pipeline(
            "  - {name: events, topics: [t], table: t, schema: \""
                + schema
                + "\", key-columns: [event_id], columns: {event_id: /eventId}, auto-create:"
                + " true}\n",
            null);
    DeclaredTable declared =
        DeclaredSchemas.forPipeline(p, Optional.empty())
            .of(record(null, "{}".getBytes(UTF_8)), JSON.createObjectNode())
            .orElseThrow();
    DdlStatements counts = new DdlStatements();
    PostgresTableProvisioner provisioner = provisioner(p, counts);

    boolean created;
    try (LogCapture log = LogCapture.attach()) {
      created = provisioner.ensure("events", TestTables.table(PG, "events_json"), declared);
      assertThat(log.linesContaining("pipeline events: CREATE TABLE IF NOT EXISTS"))
          .singleElement()
          .asString()
          .startsWith("INFO")
          .contains("\"events_json\" (\"event_id\" uuid, \"at\" timestamptz");
    }
    boolean again = provisioner.ensure("events", TestTables.table(PG, "events_json"), declared);

    assertThat(created).isTrue();
    assertThat(again).isFalse();
    assertThat(TestTables.columns(PG, "events_json"))
        .containsExactly(
            "event_id uuid not null",
            "at timestamp with time zone null",
            "amount numeric null",
            "count bigint null",
            "attrs jsonb null",
            "day date null");
    assertThat(TestTables.primaryKey(PG, "events_json")).containsExactly("event_id");
    assertThat(counts.count("events", DdlStatements.CREATE_TABLE)).isEqualTo(1);
  }

  @Test
  void aTableIsCreatedFromTheRegistrysAvroSchema() throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    registry.schemas.put(1, AVRO_V1);
    PipelineSettings p =
        pipeline(
            "  - {name: orders, topics: [t], table: t, format: avro, key-columns: [order_id],"
                + " columns: {order_id: /orderId}, auto-create: true}\n",
            "http://registry:8080");
    DeclaredTable declared =
        DeclaredSchemas.forPipeline(p, Optional.of(registry))
            .of(record(null, framed(1)), JSON.createObjectNode())
            .orElseThrow();

    assertThat(
            provisioner(p, new DdlStatements())
                .ensure("orders", TestTables.table(PG, "orders_avro"), declared))
        .isTrue();

    assertThat(TestTables.columns(PG, "orders_avro"))
        .containsExactly(
            "order_id bigint not null",
            "price numeric(12,2) null",
            "placed_at timestamp with time zone null",
            "ref uuid null",
            "qty integer null");
    assertThat(TestTables.primaryKey(PG, "orders_avro")).containsExactly("order_id");
  }

  @Test
  void aTableIsCreatedFromADebeziumEnvelopeKeyedByTheRecordKey() throws Exception {
    PipelineSettings p =
        pipeline(
            "  - {name: customers, topics: [t], table: t, envelope: debezium, auto-create:"
                + " true}\n",
            null);
    ObjectNode event = JSON.createObjectNode();
    event.set(
        "schema",
        ConnectTablesTest.envelope(
            """
            {"type": "int32", "optional": false, "field": "tenant"},
            {"type": "int64", "optional": false, "field": "id"},
            {"type": "string", "optional": true, "field": "email"},
            {"type": "int64", "name": "io.debezium.time.MicroTimestamp", "optional": true,
             "field": "created"},
            {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",
             "parameters": {"scale": "2", "connect.decimal.precision": "10"}, "optional": true,
             "field": "balance"},
            {"type": "array", "items": {"type": "string", "optional": true}, "optional": true,
             "field": "tags"},
            {"type": "string", "name": "io.debezium.data.Json", "optional": true, "field": "doc"}
            """));
    event.set("payload", JSON.readTree("{\"op\": \"r\", \"after\": {\"id\": 1}}"));
    byte[] key = "{\"tenant\": 1, \"id\": 7}".getBytes(UTF_8);
    DeclaredTable declared =
        DeclaredSchemas.forPipeline(p, Optional.empty())
            .of(record(key, new byte[0]), event)
            .orElseThrow();

    assertThat(
            provisioner(p, new DdlStatements())
                .ensure("customers", TestTables.table(PG, "customers_cdc"), declared))
        .isTrue();

    assertThat(TestTables.columns(PG, "customers_cdc"))
        .containsExactly(
            "tenant integer not null",
            "id bigint not null",
            "email text null",
            "created timestamp without time zone null",
            "balance numeric(10,2) null",
            "tags _text null",
            "doc jsonb null");
    assertThat(TestTables.primaryKey(PG, "customers_cdc")).containsExactly("tenant", "id");
  }

  @Test
  void evolveAddsNullableColumnsForNewOptionalFieldsAndOldRowsKeepNull() throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    registry.schemas.put(1, AVRO_V1);
    registry.schemas.put(2, AVRO_V2);
    PipelineSettings p =
        pipeline(
            "  - {name: orders, topics: [t], table: t, format: avro, key-columns: [order_id],"
                + " columns: {order_id: /orderId}, auto-create: true, evolve: true}\n",
            "http://registry:8080");
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.of(registry));
    DdlStatements counts = new DdlStatements();
    PostgresTableProvisioner provisioner = provisioner(p, counts);
    TableName orders = TestTables.table(PG, "orders_evolve");
    provisioner.ensure(
        "orders", orders, schemas.of(record(null, framed(1)), JSON.createObjectNode()).get());
    PG.execute(
        "INSERT INTO orders_evolve VALUES (1, 9.50, '2026-01-02T03:04:05Z',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 3)");

    boolean added =
        provisioner.ensure(
            "orders", orders, schemas.of(record(null, framed(2)), JSON.createObjectNode()).get());

    assertThat(added).isTrue();
    assertThat(TestTables.columns(PG, "orders_evolve"))
        .endsWith("qty integer null", "coupon text null", "gift_wrap boolean null");
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM orders_evolve WHERE coupon IS NULL"
                    + " AND gift_wrap IS NULL AND order_id = 1"))
        .isEqualTo(1);
    assertThat(counts.count("orders", DdlStatements.CREATE_TABLE)).isEqualTo(1);
    assertThat(counts.count("orders", DdlStatements.ADD_COLUMN)).isEqualTo(2);
  }

  @Test
  void aRequiredNewFieldIsRefusedAndTheTableIsLeftAsItWas() throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    registry.schemas.put(1, AVRO_V1);
    registry.schemas.put(3, AVRO_V3_REQUIRED);
    PipelineSettings p =
        pipeline(
            "  - {name: orders, topics: [t], table: t, format: avro, key-columns: [order_id],"
                + " columns: {order_id: /orderId}, auto-create: true, evolve: true}\n",
            "http://registry:8080");
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.of(registry));
    DdlStatements counts = new DdlStatements();
    PostgresTableProvisioner provisioner = provisioner(p, counts);
    TableName orders = TestTables.table(PG, "orders_required");
    provisioner.ensure(
        "orders", orders, schemas.of(record(null, framed(1)), JSON.createObjectNode()).get());
    DeclaredTable v3 = schemas.of(record(null, framed(3)), JSON.createObjectNode()).get();

    ProvisionException refused =
        catchThrowableOfType(
            ProvisionException.class, () -> provisioner.ensure("orders", orders, v3));

    assertThat(refused.reason()).contains(Reason.SCHEMA_EVOLUTION_REFUSED);
    assertThat(refused.isTransient()).isFalse();
    assertThat(refused).hasMessageContaining("[channel]");
    assertThat(TestTables.columns(PG, "orders_required"))
        .hasSize(5)
        .noneMatch(c -> c.startsWith("channel"));
    assertThat(counts.count("orders", DdlStatements.ADD_COLUMN)).isZero();
  }

  @Test
  void aColumnOfAnotherTypeIsLeftAlone() throws Exception {
    PG.execute("CREATE TABLE typed (id bigint PRIMARY KEY, note varchar(20), qty numeric)");
    DeclaredTable declared =
        new DeclaredTable(
            List.of(
                new DeclaredColumn("id", "bigint", false),
                new DeclaredColumn("note", "text", true),
                new DeclaredColumn("qty", "integer", true)),
            List.of("id"));
    DdlStatements counts = new DdlStatements();
    PostgresTableProvisioner provisioner =
        new PostgresTableProvisioner(
            FerrySchema.dataSource(PG),
            java.util.Map.of("p", new PostgresTableProvisioner.Policy(true, true)),
            counts);

    assertThat(provisioner.ensure("p", TestTables.table(PG, "typed"), declared)).isFalse();

    assertThat(TestTables.columns(PG, "typed"))
        .containsExactly("id bigint not null", "note character varying null", "qty numeric null");
    assertThat(counts.count("p", DdlStatements.ADD_COLUMN)).isZero();
  }

  @Test
  void aTableInASchemaThatDoesNotExistIsRefusedPermanentlyWithoutAReason() throws Exception {
    PostgresTableProvisioner provisioner =
        new PostgresTableProvisioner(
            FerrySchema.dataSource(PG),
            java.util.Map.of("p", new PostgresTableProvisioner.Policy(true, true)),
            new DdlStatements());
    DeclaredTable declared =
        new DeclaredTable(List.of(new DeclaredColumn("id", "bigint", false)), List.of("id"));

    ProvisionException e =
        catchThrowableOfType(
            ProvisionException.class,
            () ->
                provisioner.ensure(
                    "p", TableName.parse("no_such_schema_x.t").orElseThrow(), declared));

    assertThat(e.isTransient()).isFalse();
    assertThat(e.reason()).isEmpty();
    assertThat(e).hasMessageContaining("no_such_schema_x");
  }

  @Test
  void anUnreachableDatabaseIsATransientFailure() throws Exception {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/postgres");
    nowhere.setConnectTimeout(2);
    PostgresTableProvisioner provisioner =
        new PostgresTableProvisioner(
            nowhere,
            java.util.Map.of("p", new PostgresTableProvisioner.Policy(true, true)),
            new DdlStatements());
    DeclaredTable declared =
        new DeclaredTable(List.of(new DeclaredColumn("id", "bigint", false)), List.of("id"));

    ProvisionException e =
        catchThrowableOfType(
            ProvisionException.class,
            () -> provisioner.ensure("p", TestTables.table(PG, "never"), declared));

    assertThat(e.isTransient()).isTrue();
    assertThat(e.reason()).isEmpty();
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM pg_class WHERE oid = to_regclass('"
                    + PG.qualified("never")
                    + "')"))
        .isZero();
  }
}
