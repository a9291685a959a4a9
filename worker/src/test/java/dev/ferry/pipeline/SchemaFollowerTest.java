package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two defects found with real Debezium ({@code CdcManyTablesIT}). {@link SchemaFollower#create}: a
 * change event whose declaration has no primary key (a truncate, whose record key is null, or an
 * event of a source table without one) creates nothing, because a change-event table without a key
 * refuses every later event (a truncate of a table empty at the snapshot created the target without
 * its key, and every insert after it was dead-lettered). {@link SchemaFollower#widen}: a record of
 * another lane that declares the same new column waits for the offer in flight instead of being
 * written against the old columns (it was dead-lettered {@code unknown-field}).
 */
class SchemaFollowerTest {
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

  /**
   * Found with real Debezium: two records of one table in two lanes, both declaring a new column.
   * The second must not go on to be written (against the old columns, so dead-lettered {@code
   * unknown-field}) while the first one's offer is still adding the column.
   */
  @Test
  void aRecordOfAnotherLaneWaitsUntilTheOfferForItsSnapshotReadTheTableAgain() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch adding = new CountDownLatch(1);
    CountDownLatch added = new CountDownLatch(1);
    TableProvisioner slow =
        (pipeline, table, declared) -> {
          adding.countDown();
          events.add("alter");
          try {
            return added.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        };
    TableLookup reread =
        new TableLookup() {
          @Override
          public Lookup lookup(PipelineSettings pipeline, TableName table) {
            return new Found("p:" + table);
          }

          @Override
          public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
            events.add("read again");
            return lookup(pipeline, table);
          }
        };
    SchemaFollower follower =
        new SchemaFollower(
            settings("envelope: debezium"),
            (record, value) -> Optional.of(new DeclaredTable(COLUMNS, List.of("id"))),
            slow,
            reread);
    RowCoercer snapshot = coercer("id"); // the table as read before: without column v
    Thread first = widening(follower, snapshot, events, "first written");
    first.start();
    assertThat(adding.await(10, TimeUnit.SECONDS)).isTrue();
    Thread second = widening(follower, snapshot, events, "second written");
    second.start();
    await("the second record waits or went on")
        .atMost(Duration.ofSeconds(10))
        .until(() -> second.getState() == Thread.State.BLOCKED || !second.isAlive());

    added.countDown();
    first.join(10_000);
    second.join(10_000);

    assertThat(events.indexOf("second written"))
        .as("the second record went on after the table was read again: " + events)
        .isGreaterThan(events.indexOf("read again"));
    assertThat(events).containsOnlyOnce("alter", "read again");
  }

  private static Thread widening(
      SchemaFollower follower, RowCoercer snapshot, List<String> events, String done) {
    return new Thread(
        () -> {
          try {
            follower.widen("p:app.staging", TABLE, snapshot, record(), null);
            events.add(done);
          } catch (RecordFailure e) {
            events.add(e.getMessage());
          }
        });
  }

  private static RowCoercer coercer(String name) {
    ColumnType type = ColumnType.of("integer", "integer", "int4", 'N', -1);
    return new RowCoercer(
        List.of(new RowCoercer.Column(name, type, Coercers.of(type).orElseThrow())), List.of());
  }

  private SchemaFollower follower(String line, DeclaredTable declared) throws Exception {
    return new SchemaFollower(
        settings(line), (record, value) -> Optional.of(declared), provisioner, tables);
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
