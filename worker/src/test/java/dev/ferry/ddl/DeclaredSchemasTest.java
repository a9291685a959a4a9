package dev.ferry.ddl;

import static dev.ferry.ddl.TestSchemas.framed;
import static dev.ferry.ddl.TestSchemas.pipeline;
import static dev.ferry.ddl.TestSchemas.record;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of pipeline declares its records' tables from its own source. */
class DeclaredSchemasTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER_V1 =
      """
      {"type": "record", "name": "Order", "fields": [
        {"name": "orderId", "type": "long"}, {"name": "total", "type": "double"}]}
      """;

  @Test
  void aPipelineThatNeitherCreatesNorEvolvesDeclaresNothing() throws Exception {
    var p = pipeline("  - {name: p, topics: [t], table: t, columns: {a: /a}}\n", null);

    assertThat(DeclaredSchemas.forPipeline(p, Optional.empty())).isSameAs(RecordSchemas.NONE);
  }

  @Test
  void aJsonSchemaPipelineDeclaresTheSameTableForEveryRecord(@TempDir Path dir) throws Exception {
    Path schema = dir.resolve("s.json");
    Files.writeString(
        schema,
        "{\"type\": \"object\", \"required\": [\"id\"], \"properties\": {\"id\": {\"type\":"
            + " \"integer\"}, \"note\": {\"type\": \"string\"}}}");
    var p =
        pipeline(
            "  - {name: p, topics: [t], table: t, schema: \""
                + schema
                + "\", key-columns: [id], columns: {id: /id}, auto-create: true}\n",
            null);

    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.empty());

    DeclaredTable expected =
        new DeclaredTable(
            List.of(
                new DeclaredColumn("id", "bigint", false),
                new DeclaredColumn("note", "text", true)),
            List.of("id"));
    assertThat(schemas.of(record(null, "{}".getBytes(UTF_8)), JSON.createObjectNode()))
        .contains(expected);
    assertThat(schemas.of(record(null, "{\"x\": 1}".getBytes(UTF_8)), JSON.createObjectNode()))
        .contains(expected);
  }

  @Test
  void columnsMappedFromRecordMetadataAreAppendedWithFerrysOwnTypes(@TempDir Path dir)
      throws Exception {
    Path schema = dir.resolve("s.json");
    Files.writeString(
        schema, "{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}");
    var p =
        pipeline(
            "  - name: p\n    topics: [t]\n    table: t\n    schema: \""
                + schema
                + "\"\n    auto-create: true\n    columns:\n      id: /id\n"
                + "      src_topic: \"@topic\"\n      part: \"@partition\"\n"
                + "      off: \"@offset\"\n      ts: \"@timestamp\"\n"
                + "      trace: \"@header:trace\"\n      raw_key: \"@key\"\n"
                + "      key_id: \"@key/id\"\n",
            null);

    DeclaredTable t =
        DeclaredSchemas.forPipeline(p, Optional.empty())
            .of(record(null, "{}".getBytes(UTF_8)), JSON.createObjectNode())
            .orElseThrow();

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("id", "bigint", false),
            new DeclaredColumn("src_topic", "text", true),
            new DeclaredColumn("part", "integer", true),
            new DeclaredColumn("off", "bigint", true),
            new DeclaredColumn("ts", "timestamptz", true),
            new DeclaredColumn("trace", "text", true),
            new DeclaredColumn("raw_key", "text", true));
  }

  @Test
  void anAvroPipelineDeclaresEachRecordsWriterSchemaFetchedOncePerId() throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    registry.schemas.put(7, ORDER_V1);
    registry.schemas.put(
        8,
        """
        {"type": "record", "name": "Order", "fields": [
          {"name": "orderId", "type": "long"}, {"name": "total", "type": "double"},
          {"name": "coupon", "type": ["null", "string"], "default": null}]}
        """);
    var p =
        pipeline(
            "  - {name: p, topics: [t], table: t, format: avro, key-columns: [order_id],"
                + " columns: {order_id: /orderId}, evolve: true}\n",
            "http://registry:8080");
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.of(registry));

    Optional<DeclaredTable> v1 = schemas.of(record(null, framed(7)), JSON.createObjectNode());
    Optional<DeclaredTable> v1Again = schemas.of(record(null, framed(7)), JSON.createObjectNode());
    Optional<DeclaredTable> v2 = schemas.of(record(null, framed(8)), JSON.createObjectNode());

    assertThat(v1.orElseThrow().columns())
        .containsExactly(
            new DeclaredColumn("order_id", "bigint", false),
            new DeclaredColumn("total", "double precision", false));
    assertThat(v1.orElseThrow().keyColumns()).containsExactly("order_id");
    assertThat(v1Again).isEqualTo(v1);
    assertThat(v2.orElseThrow().columns())
        .endsWith(new DeclaredColumn("coupon", "text", true))
        .hasSize(3);
    assertThat(registry.lookups).hasValue(2);
  }

  @Test
  void anAvroRecordOfAnUnknownIdDeclaresNothingAndAnUnreachableRegistryIsTransient()
      throws Exception {
    TestSchemas.Registry registry = new TestSchemas.Registry();
    var p =
        pipeline(
            "  - {name: p, topics: [t], table: t, format: avro, columns: {a: /a},"
                + " auto-create: true}\n",
            "http://registry:8080");
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.of(registry));

    assertThat(schemas.of(record(null, framed(99)), JSON.createObjectNode())).isEmpty();
    registry.down = true;
    DeclarationException down =
        catchThrowableOfType(
            DeclarationException.class,
            () -> schemas.of(record(null, framed(7)), JSON.createObjectNode()));
    assertThat(down.isTransient()).isTrue();
  }

  @Test
  void aChangeEventDeclaresItsAfterStructKeyedByTheRecordKeysFields() throws Exception {
    var p =
        pipeline(
            "  - {name: p, topics: [t], table: t, envelope: debezium, auto-create: true}\n", null);
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.empty());
    JsonNode schema =
        ConnectTablesTest.envelope(
            """
            {"type": "int32", "optional": false, "field": "tenant"},
            {"type": "int64", "optional": false, "field": "id"},
            {"type": "string", "optional": true, "field": "name"}
            """);
    ObjectNode event = JSON.createObjectNode();
    event.set("schema", schema);
    event.set("payload", JSON.readTree("{\"op\": \"c\", \"after\": {\"id\": 1}}"));
    byte[] key =
        ("{\"schema\": {\"type\": \"struct\", \"fields\": [{\"type\": \"int64\", \"field\": \"id\"},"
                + " {\"type\": \"int32\", \"field\": \"tenant\"}]}, \"payload\": {\"id\": 1,"
                + " \"tenant\": 2}}")
            .getBytes(UTF_8);

    DeclaredTable t = schemas.of(record(key, new byte[0]), event).orElseThrow();

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("tenant", "integer", false),
            new DeclaredColumn("id", "bigint", false),
            new DeclaredColumn("name", "text", true));
    assertThat(t.keyColumns()).containsExactly("id", "tenant");
    assertThat(
            schemas
                .of(record("{\"id\": 5}".getBytes(UTF_8), new byte[0]), event)
                .orElseThrow()
                .keyColumns())
        .containsExactly("id");
  }

  @Test
  void aChangeEventWithoutItsSchemaDeclaresNothingAndAnUnreadableKeyIsRefused() throws Exception {
    var p =
        pipeline("  - {name: p, topics: [t], table: t, envelope: debezium, evolve: true}\n", null);
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.empty());
    JsonNode bare = JSON.readTree("{\"op\": \"c\", \"after\": {\"id\": 1}}");
    ObjectNode wrapped = JSON.createObjectNode();
    wrapped.set("schema", ConnectTablesTest.envelope("{\"type\": \"int64\", \"field\": \"id\"}"));
    wrapped.set("payload", bare);

    assertThat(schemas.of(record("{\"id\": 1}".getBytes(UTF_8), new byte[0]), bare)).isEmpty();
    DeclarationException bad =
        catchThrowableOfType(
            DeclarationException.class,
            () -> schemas.of(record("not json".getBytes(UTF_8), new byte[0]), wrapped));
    assertThat(bad.isTransient()).isFalse();
    assertThat(bad).hasMessageContaining("primary key");
  }

  @Test
  void configuredKeyColumnsWinOverTheRecordKey() throws Exception {
    var p =
        pipeline(
            "  - {name: p, topics: [t], table: t, envelope: debezium, key-columns: [id],"
                + " auto-create: true}\n",
            null);
    RecordSchemas schemas = DeclaredSchemas.forPipeline(p, Optional.empty());
    ObjectNode event = JSON.createObjectNode();
    event.set(
        "schema",
        ConnectTablesTest.envelope(
            "{\"type\": \"int64\", \"field\": \"id\"}, {\"type\": \"int64\", \"field\": \"v\"}"));
    event.set("payload", JSON.readTree("{\"op\": \"c\"}"));

    assertThat(schemas.of(record(null, new byte[0]), event).orElseThrow().keyColumns())
        .containsExactly("id");
  }
}
