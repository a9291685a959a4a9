package dev.ferry.pipeline;

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
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.metrics.SkipReason;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.TableLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A change-event pipeline turns real Debezium events (the fixtures of {@code dev.ferry.cdc}, both
 * JSON forms) into the rows that apply them: upserts of {@code after} with unchanged TOAST columns
 * left as stored, deletes by the record key, truncates as the pipeline says, every row at the
 * event's source position, and fields without a column refused unless ignored.
 */
class ChangeEventRowsTest {
  private static final ColumnType INTEGER = ColumnType.of("integer", "integer", "int4", 'N', -1);
  private static final ColumnType BIGINT = ColumnType.of("bigint", "bigint", "int8", 'N', -1);
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);
  private static final ColumnType NUMERIC =
      ColumnType.of("numeric(12,4)", "numeric(12,4)", "numeric", 'N', (12 << 16 | 4) + 4);
  private static final ColumnType TIMESTAMP =
      ColumnType.of(
          "timestamp without time zone", "timestamp without time zone", "timestamp", 'D', -1);

  /** The target: a few of the source's columns by name, and the LSN through a listed pointer. */
  private static final RowCoercer TABLE =
      coercer(
          List.of("lsn", "id", "c_integer", "c_numeric", "c_timestamp", "c_big"),
          List.of(BIGINT, INTEGER, INTEGER, NUMERIC, TIMESTAMP, TEXT));

  private final List<RowCoercer> refreshed = new ArrayList<>();

  private static RowCoercer coercer(List<String> names, List<ColumnType> types) {
    List<RowCoercer.Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ColumnType type = types.get(i);
      columns.add(new RowCoercer.Column(names.get(i), type, Coercers.of(type).orElseThrow()));
    }
    return new RowCoercer(columns, List.of(columns.get(1)));
  }

  private Pipeline pipeline(String settings) {
    PipelineSettings p;
    try {
      p =
          ConfigLoader.withEnvironment(Map.of())
              .parse(
                  """
                  kafka: {bootstrap-servers: "k:9092"}
                  database: {url: "jdbc:postgresql://h/d"}
                  pipelines:
                    - name: cdc
                      topics: [src.public.all_types]
                      table: all_types
                      envelope: debezium
                      columns: {lsn: /source/lsn}
                  """
                      + settings,
                  "test")
              .pipelines()
              .get(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    RowCoercions coercions =
        new RowCoercions() {
          @Override
          public boolean has(String target) {
            return target.equals("cdc:all_types");
          }

          @Override
          public RowCoercer current(String target) {
            return TABLE;
          }

          @Override
          public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
            refreshed.add(failed);
            return Optional.empty();
          }
        };
    return new Pipeline(p, coercions, Optional.empty());
  }

  private static byte[] fixture(String form, String file) {
    String path = "/cdc/fixtures/" + form + "/" + file;
    try (InputStream in = ChangeEventRowsTest.class.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Row> rows(Pipeline pipeline, String form, String label) throws Exception {
    byte[] value = fixture(form, label + ".value.json");
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(
            "src.public.all_types", 0, 9, fixture(form, label + ".key.json"), value);
    return pipeline.rows(
        (ObjectNode) Json.MAPPER.readTree(value),
        record,
        new Origin(new TopicPartition("src.public.all_types", 0), 1, 9));
  }

  private static long lsn(String form, String label) throws IOException {
    ObjectNode value = (ObjectNode) Json.MAPPER.readTree(fixture(form, label + ".value.json"));
    ObjectNode payload = value.has("payload") ? (ObjectNode) value.get("payload") : value;
    return payload.path("source").path("lsn").asLong();
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void anUpdateUpsertsItsRowLeavingAnUnchangedToastColumnAsStored(String form) throws Exception {
    Row row = rows(pipeline("    unknown-fields: ignore\n"), form, "u-toast-unchanged").get(0);

    assertThat(row.kind()).isEqualTo(Row.Kind.WRITE);
    assertThat(row.position()).isEqualTo(lsn(form, "u-toast-unchanged")).isPositive();
    assertThat(row.values())
        .containsExactly(
            String.valueOf(lsn(form, "u-toast-unchanged")),
            "10",
            "71",
            "0.0001",
            "2000-02-29T12:00:00.000001",
            Row.UNCHANGED);
    assertThat(Row.isUnchanged(row.values()[5])).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void aRoutedPipelineWritesEachEventToTheTableItsSourceNames(String form) throws Exception {
    PipelineSettings p =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - name: cdc
                    topics: [src.public.all_types]
                    table: "{field:/source/table}"
                    tables-allowed: "all_[a-z]+"
                    envelope: debezium
                    unknown-fields: ignore
                    columns: {lsn: /source/lsn}
                """,
                "test")
            .pipelines()
            .get(0);
    List<String> lookedUp = new ArrayList<>();
    TableLookup tables =
        new TableLookup() {
          @Override
          public Lookup lookup(PipelineSettings pipeline, TableName table) {
            lookedUp.add(table.toString());
            return new Found("cdc:" + table);
          }

          @Override
          public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
            return lookup(pipeline, table);
          }
        };
    Pipeline pipeline =
        new Pipeline(
            p,
            RowCoercions.fixed(Map.of("cdc:all_types", TABLE)),
            Optional.empty(),
            Formats.JSON,
            new PipelineRouting(
                tables, RecordSchemas.NONE, TableProvisioner.NONE, Optional.empty()));

    Row upsert = rows(pipeline, form, "u-toast-unchanged").get(0);
    Row delete = rows(pipeline, form, "d").get(0);

    assertThat(lookedUp).containsExactly("all_types", "all_types");
    assertThat(upsert.target()).isEqualTo("cdc:all_types");
    assertThat(upsert.values()[1]).isEqualTo("10");
    assertThat(delete.target()).isEqualTo("cdc:all_types");
    assertThat(delete.values()).containsExactly("2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void fieldsWithoutAColumnAreDeadLetteredAfterTheTableIsReadAgain(String form) {
    RecordFailure f =
        catchThrowableOfType(
            RecordFailure.class, () -> rows(pipeline(""), form, "u-toast-unchanged"));

    assertThat(f.reason().code()).isEqualTo("unknown-field");
    assertThat(f.getMessage())
        .startsWith("the event's row has field(s) [c_bigint, c_bit4, c_boolean")
        .contains("but table all_types has no such column")
        .endsWith("add the column(s), or set unknown-fields: ignore");
    assertThat(refreshed).containsExactly(TABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void aDeleteDeletesByTheRecordKeyAtItsPosition(String form) throws Exception {
    Row row = rows(pipeline(""), form, "d").get(0);

    assertThat(row.kind()).isEqualTo(Row.Kind.DELETE);
    assertThat(row.values()).containsExactly("2");
    assertThat(row.position()).isEqualTo(lsn(form, "d"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void aKeyChangeIsADeleteOfTheOldKeyAndACreateOfTheNewOne(String form) throws Exception {
    Pipeline pipeline = pipeline("    unknown-fields: ignore\n");
    Row delete = rows(pipeline, form, "d-key-change").get(0);
    Row create = rows(pipeline, form, "c-key-change").get(0);

    assertThat(delete.kind()).isEqualTo(Row.Kind.DELETE);
    assertThat(delete.values()).containsExactly("3");
    assertThat(create.kind()).isEqualTo(Row.Kind.WRITE);
    assertThat(create.values()[1]).isEqualTo("5");
    // One WAL record (the UPDATE) gives both events their position; they are of different keys.
    assertThat(create.position()).isEqualTo(delete.position());
  }

  @ParameterizedTest
  @ValueSource(strings = {"schemas-on", "schemas-off"})
  void aTruncateIsDeadLetteredAppliedOrSkippedAsThePipelineSays(String form) throws Exception {
    RecordFailure f =
        catchThrowableOfType(RecordFailure.class, () -> rows(pipeline(""), form, "t"));
    assertThat(f.reason().code()).isEqualTo("truncate");
    assertThat(f.getMessage()).contains("set truncate: apply");

    Row truncate = rows(pipeline("    truncate: apply\n"), form, "t").get(0);
    assertThat(truncate.kind()).isEqualTo(Row.Kind.TRUNCATE);
    assertThat(truncate.position()).isEqualTo(lsn(form, "t"));

    Pipeline skipping = pipeline("    truncate: skip\n");
    assertThat(rows(skipping, form, "t")).isEmpty();
    assertThat(skipping.emptyReason()).isEqualTo(SkipReason.TRUNCATE);
  }
}
