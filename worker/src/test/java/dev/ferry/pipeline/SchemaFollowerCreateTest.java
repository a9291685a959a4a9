package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredTable;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.TableLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A defect found with real Debezium ({@code CdcManyTablesIT}), in {@link SchemaFollower#create}: a
 * change event whose declaration has no primary key (a truncate, whose record key is null, or an
 * event of a source table without one) creates nothing, because a change-event table without a key
 * refuses every later event (a truncate of a table empty at the snapshot created the target without
 * its key, and every insert after it was dead-lettered).
 */
class SchemaFollowerCreateTest {
  private static final TableName TABLE = TableName.parse("app.staging").orElseThrow();
  private static final List<DeclaredColumn> COLUMNS =
      List.of(new DeclaredColumn("id", "integer", false), new DeclaredColumn("v", "text", true));

  private final List<String> ensured = new ArrayList<>();
  private final TableProvisioner provisioner =
      (pipeline, table, declared) -> {
        ensured.add(table + " " + declared.keyColumns());
        return true;
      };
  private final TableLookup tables =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          return ensured.isEmpty() ? new Missing("no table " + table) : new Found("p:" + table);
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          return lookup(pipeline, table);
        }
      };

  @Test
  void aChangeEventWithoutAKeyCreatesNoTable() throws Exception {
    SchemaFollower follower = follower("envelope: debezium", new DeclaredTable(COLUMNS, List.of()));

    RecordFailure f =
        catchThrowableOfType(RecordFailure.class, () -> follower.create(TABLE, record(), null));

    assertThat(ensured).isEmpty();
    assertThat(f.reason().code()).isEqualTo("table-missing");
    assertThat(f.getMessage())
        .isEqualTo(
            "table app.staging does not exist, and this change event declares no primary key to"
                + " create it with (the record has no key: a truncate, or an event of a source"
                + " table without a primary key); the first event with a key creates it, or set"
                + " key-columns");
  }

  @Test
  void aChangeEventWithAKeyCreatesItsTable() throws Exception {
    SchemaFollower follower =
        follower("envelope: debezium", new DeclaredTable(COLUMNS, List.of("id")));

    Optional<TableLookup.Lookup> after = follower.create(TABLE, record(), null);

    assertThat(ensured).containsExactly("app.staging [id]");
    assertThat(after).contains(new TableLookup.Found("p:app.staging"));
  }

  @Test
  void aPlainRecordWithoutKeyColumnsStillCreatesATableWithoutAKey(@TempDir Path dir)
      throws Exception {
    Path schema = Files.writeString(dir.resolve("s.json"), "{\"type\": \"object\"}");
    SchemaFollower follower =
        follower("schema: \"" + schema + "\"", new DeclaredTable(COLUMNS, List.of()));

    follower.create(TABLE, record(), null);

    assertThat(ensured).containsExactly("app.staging []");
  }

  private SchemaFollower follower(String line, DeclaredTable declared) throws Exception {
    return new SchemaFollower(
        settings(line),
        (record, value) -> Optional.of(declared),
        provisioner,
        tables,
        RowCoercions.fixed(Map.of()));
  }

  private static PipelineSettings settings(String line) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - name: p
                topics: [t]
                table: "app.{topic}"
                tables-allowed: "app\\\\.[a-z]+"
                auto-create: true
                evolve: true
            """
                + "    "
                + line
                + "\n",
            "test")
        .pipelines()
        .get(0);
  }

  private static ConsumerRecord<byte[], byte[]> record() {
    return new ConsumerRecord<>("staging", 0, 7, null, "{}".getBytes(UTF_8));
  }
}
