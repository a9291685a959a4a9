package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredTable;
import dev.ferry.ddl.ProvisionException;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.TableLookup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A pipeline whose table is a template: each record routed to its table by a header, its columns
 * mapped by name, and a missing table offered to the provisioner first.
 */
class RoutedPipelineTest {
  private static final ColumnType BIGINT = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);

  /** The tables that exist, by target key, with their columns. */
  private final Map<String, RowCoercer> existing = new HashMap<>();

  private final List<String> ensured = new ArrayList<>();
  private final Set<String> lookedUpAfterDdl = new HashSet<>();
  private TableProvisioner provisioner = TableProvisioner.NONE;
  private RecordSchemas schemas = RecordSchemas.NONE;

  private final RowCoercions coercions =
      new RowCoercions() {
        @Override
        public boolean has(String target) {
          return existing.containsKey(target);
        }

        @Override
        public RowCoercer current(String target) {
          return existing.get(target);
        }

        @Override
        public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
          return Optional.empty();
        }
      };

  private final TableLookup tables =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          String key = pipeline.name() + ":" + table;
          return existing.containsKey(key)
              ? new Found(key)
              : new Missing("table " + table + " does not exist");
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          lookedUpAfterDdl.add(table.toString());
          return lookup(pipeline, table);
        }
      };

  RoutedPipelineTest() {
    existing.put("p:app.a", coercer("id", "user_id", "http_status", "note"));
    existing.put("p:app.b", coercer("id", "note"));
  }

  private static RowCoercer coercer(String... names) {
    List<RowCoercer.Column> columns = new ArrayList<>();
    for (String name : names) {
      ColumnType type = name.equals("note") ? TEXT : BIGINT;
      columns.add(new RowCoercer.Column(name, type, Coercers.of(type).orElseThrow()));
    }
    return new RowCoercer(columns, List.of());
  }

  private Pipeline pipeline(String extra) throws Exception {
    PipelineSettings settings =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - name: p
                    topics: [t]
                    table: "app.{header:kind}"
                    tables-allowed: "app\\\\.[a-c]"
                """
                    + extra,
                "test")
            .pipelines()
            .get(0);
    return new Pipeline(
        settings,
        coercions,
        Optional.empty(),
        Formats.JSON,
        new PipelineRouting(tables, schemas, provisioner, Optional.empty()));
  }

  private static List<Row> rows(Pipeline pipeline, String kind, String json) throws Exception {
    ObjectNode value = (ObjectNode) Json.MAPPER.readTree(json);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("t", 0, 7, "k".getBytes(UTF_8), json.getBytes(UTF_8));
    if (kind != null) {
      record.headers().add("kind", kind.getBytes(UTF_8));
    }
    return pipeline.rows(value, record, new Origin(new TopicPartition("t", 0), 1, 7));
  }

  private static RecordFailure failure(Pipeline pipeline, String kind, String json) {
    return catchThrowableOfType(RecordFailure.class, () -> rows(pipeline, kind, json));
  }

  @Test
  void eachRecordGoesToTheTableItsHeaderNamesWithColumnsByName() throws Exception {
    Pipeline pipeline = pipeline("");

    Row a = rows(pipeline, "A", "{\"id\": 1, \"userId\": 7, \"HTTPStatus\": 200}").get(0);
    Row b = rows(pipeline, "b", "{\"id\": 2, \"note\": null}").get(0);

    assertThat(a.target()).isEqualTo("p:app.a");
    assertThat(a.values()).containsExactly("1", "7", "200", Row.UNCHANGED);
    assertThat(Row.isUnchanged(a.values()[3])).isTrue();
    assertThat(b.target()).isEqualTo("p:app.b");
    assertThat(b.values()).containsExactly("2", null); // an explicit null writes NULL
  }

  @Test
  void anExactNameWinsOverASnakeCaseMatch() throws Exception {
    Row a = rows(pipeline(""), "a", "{\"id\": 1, \"userId\": 7, \"user_id\": 8}").get(0);

    assertThat(a.values()).containsExactly("1", "8", Row.UNCHANGED, Row.UNCHANGED);
  }

  @Test
  void unknownFieldsAreIgnoredOrDeadLetteredByName() throws Exception {
    String json = "{\"id\": 1, \"zeta\": 1, \"alpha\": 2}";
    assertThat(rows(pipeline(""), "a", json).get(0).values())
        .containsExactly("1", Row.UNCHANGED, Row.UNCHANGED, Row.UNCHANGED);

    RecordFailure f = failure(pipeline("    unknown-fields: dead-letter\n"), "a", json);

    assertThat(f.reason().code()).isEqualTo("unknown-field");
    assertThat(f.getMessage())
        .isEqualTo(
            "the value has field(s) [alpha, zeta] but table app.a has no column for them (it has:"
                + " [id, user_id, http_status, note]); add the column(s), or set unknown-fields:"
                + " ignore");
  }

  @Test
  void aMissingHeaderAForbiddenTableAndAMissingTableEachHaveTheirReason() throws Exception {
    Pipeline pipeline = pipeline("");

    RecordFailure missingHeader = failure(pipeline, null, "{\"id\": 1}");
    RecordFailure forbidden = failure(pipeline, "x", "{\"id\": 1}");
    RecordFailure missingTable = failure(pipeline, "c", "{\"id\": 1}");

    assertThat(missingHeader.reason().code()).isEqualTo("route-missing");
    assertThat(missingHeader.getMessage())
        .isEqualTo("table template needs header 'kind', which the record lacks or has empty");
    assertThat(forbidden.reason().code()).isEqualTo("table-not-allowed");
    assertThat(forbidden.getMessage())
        .isEqualTo(
            "table template app.{header:kind} resolved to 'app.x', which tables-allowed"
                + " (app\\.[a-c]) does not allow");
    assertThat(missingTable.reason().code()).isEqualTo("table-missing");
    assertThat(missingTable.getMessage()).isEqualTo("table app.c does not exist");
  }

  @Test
  void aMissingTableIsOfferedToTheProvisionerAndUsedOnceCreated() throws Exception {
    schemas = (record, value) -> Optional.of(declared("id", "note"));
    provisioner =
        (pipeline, table, declared) -> {
          ensured.add(pipeline + " " + table + " " + declared.columns().size());
          existing.put("p:" + table, coercer("id", "note"));
          return true;
        };

    Row row = rows(pipeline(""), "c", "{\"id\": 3, \"note\": \"n\"}").get(0);

    assertThat(ensured).containsExactly("p app.c 2");
    assertThat(lookedUpAfterDdl).containsExactly("app.c");
    assertThat(row.target()).isEqualTo("p:app.c");
    assertThat(row.values()).containsExactly("3", "n");
  }

  @Test
  void aProvisionerThatRefusesLeavesTheRecordToTheDeadLetterTopic() throws Exception {
    schemas = (record, value) -> Optional.of(declared("id"));
    provisioner =
        (pipeline, table, declared) -> {
          throw new ProvisionException("the schema declares no type Ferry can create");
        };

    RecordFailure f = failure(pipeline(""), "c", "{\"id\": 3}");

    assertThat(f.reason().code()).isEqualTo("table-missing");
    assertThat(f.getMessage())
        .isEqualTo("table app.c: the schema declares no type Ferry can create");
  }

  @Test
  void aProvisionerThatCreatesNothingLeavesTheTableMissing() throws Exception {
    schemas = (record, value) -> Optional.of(declared("id"));
    provisioner =
        (pipeline, table, declared) -> {
          ensured.add(table.toString());
          return false; // auto-create is off
        };

    RecordFailure f = failure(pipeline(""), "c", "{\"id\": 3}");

    assertThat(f.reason().code()).isEqualTo("table-missing");
    assertThat(ensured).containsExactly("app.c");
  }

  @Test
  void aDeclaredFieldTheTableLacksIsOfferedOncePerSnapshot() throws Exception {
    schemas = (record, value) -> Optional.of(declared("id", "note", "extra"));
    provisioner =
        (pipeline, table, declared) -> {
          ensured.add(table.toString());
          return false; // evolve is off: the table stays as it is
        };
    Pipeline pipeline = pipeline("");

    rows(pipeline, "b", "{\"id\": 1, \"extra\": 1}");
    rows(pipeline, "b", "{\"id\": 2, \"extra\": 2}");

    assertThat(ensured).containsExactly("app.b");
  }

  @Test
  void withoutAProvisionerNoSchemaIsAskedFor() throws Exception {
    schemas =
        (record, value) -> {
          throw new AssertionError("asked for a schema");
        };

    assertThat(rows(pipeline(""), "b", "{\"id\": 1}")).hasSize(1);
  }

  private static DeclaredTable declared(String... names) {
    List<DeclaredColumn> columns = new ArrayList<>();
    for (String name : names) {
      columns.add(new DeclaredColumn(name, "text", true));
    }
    return new DeclaredTable(columns, List.of());
  }
}
