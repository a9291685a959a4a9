package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.format.Formats;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.TableLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A change-event pipeline with {@code evolve}, its table fixed or routed: an event whose envelope
 * schema declares a field its table lacks offers the declared table to the provisioner once, and
 * the event's row, and the rows after it, carry the field in the column the provisioner added.
 */
class ChangeEventEvolutionTest {
  private static final ColumnType INTEGER = ColumnType.of("integer", "integer", "int4", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);
  private static final String KEY =
      "{\"schema\": {\"type\": \"struct\", \"optional\": false, \"name\": \"src.public.items.Key\","
          + " \"fields\": [{\"type\": \"int32\", \"optional\": false, \"field\": \"id\"}]},"
          + " \"payload\": {\"id\": %d}}";

  /** The table as the pipeline last read it. */
  private final AtomicReference<RowCoercer> current =
      new AtomicReference<>(coercer(List.of("id", "name"), List.of(INTEGER, TEXT)));

  private final List<String> offered = new ArrayList<>();
  private final List<String> lookedUpAfterDdl = new ArrayList<>();

  private static RowCoercer coercer(List<String> names, List<ColumnType> types) {
    List<RowCoercer.Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ColumnType type = types.get(i);
      columns.add(new RowCoercer.Column(names.get(i), type, Coercers.of(type).orElseThrow()));
    }
    return new RowCoercer(columns, List.of(columns.get(0)));
  }

  /**
   * @param table the pipeline's {@code table} lines: a fixed table, or a template
   */
  private Pipeline pipeline(String table) throws Exception {
    PipelineSettings p =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - name: cdc
                    topics: [src.public.items]
                    envelope: debezium
                    evolve: true
                """
                    + table,
                "test")
            .pipelines()
            .get(0);
    RowCoercions coercions =
        new RowCoercions() {
          @Override
          public boolean has(String target) {
            return target.equals("cdc:items");
          }

          @Override
          public RowCoercer current(String target) {
            return current.get();
          }

          @Override
          public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
            return Optional.empty();
          }
        };
    TableProvisioner provisioner =
        (pipeline, name, declared) -> {
          offered.add(
              pipeline
                  + " "
                  + name
                  + " "
                  + declared.columns().stream().map(DeclaredColumn::toString).toList()
                  + " key "
                  + declared.keyColumns());
          // As Postgres would after ALTER TABLE … ADD COLUMN IF NOT EXISTS "color" text.
          return true;
        };
    TableLookup tables =
        new TableLookup() {
          @Override
          public Lookup lookup(PipelineSettings pipeline, TableName name) {
            return new Found("cdc:items");
          }

          @Override
          public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName name) {
            lookedUpAfterDdl.add(name.toString());
            current.set(coercer(List.of("id", "name", "color"), List.of(INTEGER, TEXT, TEXT)));
            return new Found("cdc:items");
          }
        };
    return new Pipeline(
        p,
        coercions,
        Optional.empty(),
        Formats.JSON,
        new PipelineRouting(
            tables,
            DeclaredSchemas.forPipeline(p, Optional.empty()),
            provisioner,
            Optional.empty()));
  }

  /** An insert of {@code after} whose Connect schema has {@code fields}, at {@code lsn}. */
  private static List<Row> rows(Pipeline pipeline, String fields, String after, int id, long lsn)
      throws Exception {
    String value =
        """
        {"schema": {"type": "struct", "optional": false, "name": "src.public.items.Envelope",
          "fields": [
            {"type": "struct", "optional": true, "name": "src.public.items.Value",
             "field": "before", "fields": [%1$s]},
            {"type": "struct", "optional": true, "name": "src.public.items.Value",
             "field": "after", "fields": [%1$s]},
            {"type": "struct", "optional": false, "name": "io.debezium.connector.postgresql.Source",
             "field": "source", "fields": [
               {"type": "string", "optional": false, "field": "table"},
               {"type": "int64", "optional": true, "field": "lsn"}]},
            {"type": "string", "optional": false, "field": "op"}]},
         "payload": {"before": null, "after": %2$s,
           "source": {"table": "items", "lsn": %3$d}, "op": "c"}}
        """
            .formatted(fields, after, lsn);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "src.public.items", 0, lsn, KEY.formatted(id).getBytes(UTF_8), value.getBytes(UTF_8));
    return pipeline.rows(
        (ObjectNode) Json.MAPPER.readTree(value),
        record,
        new Origin(new TopicPartition("src.public.items", 0), 1, lsn));
  }

  private static final String V1 =
      "{\"type\": \"int32\", \"optional\": false, \"field\": \"id\"},"
          + " {\"type\": \"string\", \"optional\": true, \"field\": \"name\"}";
  private static final String V2 =
      V1 + ", {\"type\": \"string\", \"optional\": true, \"field\": \"color\"}";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "    table: items\n",
        "    table: \"{field:/source/table}\"\n    tables-allowed: \"items\"\n"
      })
  void aNewOptionalFieldOfTheEnvelopeSchemaReachesTheProvisionerOnceAndTheRowsCarryIt(String table)
      throws Exception {
    Pipeline pipeline = pipeline(table);

    Row before = rows(pipeline, V1, "{\"id\": 1, \"name\": \"a\"}", 1, 100).get(0);
    Row first =
        rows(pipeline, V2, "{\"id\": 2, \"name\": \"b\", \"color\": \"red\"}", 2, 101).get(0);
    Row second = rows(pipeline, V2, "{\"id\": 3, \"name\": \"c\", \"color\": null}", 3, 102).get(0);

    assertThat(before.values()).containsExactly("1", "a");
    assertThat(offered)
        .containsExactly(
            "cdc items [DeclaredColumn[name=id, sqlType=integer, optional=false],"
                + " DeclaredColumn[name=name, sqlType=text, optional=true],"
                + " DeclaredColumn[name=color, sqlType=text, optional=true]] key [id]");
    assertThat(lookedUpAfterDdl).containsExactly("items");
    assertThat(first.values()).containsExactly("2", "b", "red");
    assertThat(first.position()).isEqualTo(101);
    assertThat(second.values()).containsExactly("3", "c", null);
  }
}
