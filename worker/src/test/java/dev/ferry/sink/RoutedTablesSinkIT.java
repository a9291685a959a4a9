package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.config.ColumnFormat;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.WorkerSettings;
import dev.ferry.support.LogCapture;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tables of a routed pipeline, described on first use against a real Postgres: once however
 * many workers race, a missing one looked for again after the re-check interval, refreshed like a
 * table read at start, and written by the sink although it appeared after start, rows without some
 * of their columns included.
 */
@Timeout(60)
class RoutedTablesSinkIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private RoutedTablesFixture routed;

  @BeforeEach
  void setUp() throws Exception {
    routed = new RoutedTablesFixture(PG, "routed_");
  }

  @AfterEach
  void close() {
    routed.close();
  }

  @Test
  void racingWorkersDescribeATableOnce() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    TableName table = routed.table();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (LogCapture logs = LogCapture.attach()) {
      List<Future<TableLookup.Lookup>> lookups = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        lookups.add(
            pool.submit(
                () -> {
                  start.await();
                  return routed.lookup(table);
                }));
      }
      start.countDown();
      for (Future<TableLookup.Lookup> lookup : lookups) {
        assertThat(lookup.get(30, TimeUnit.SECONDS)).isEqualTo(new TableLookup.Found("p:" + table));
      }
      assertThat(logs.linesContaining("described on first use")).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(routed.definitions.writer("p:" + table).columnNames()).containsExactly("id", "note");
  }

  @Test
  void aMissingTableIsLookedForAgainAfterTheRecheckInterval() throws Exception {
    TableName table = routed.table();
    String missing = "table " + table + " does not exist (pipeline p looks for it again after 10s)";

    assertThat(routed.lookup(table)).isEqualTo(new TableLookup.Missing(missing));
    PG.execute("CREATE TABLE " + routed.name + " (id integer)");
    routed.clock.advance(RoutedTables.RECHECK.minusMillis(1));
    assertThat(routed.lookup(table))
        .isEqualTo(new TableLookup.Missing(missing)); // remembered: no catalog read per record
    routed.clock.advance(Duration.ofMillis(1));
    assertThat(routed.lookup(table)).isEqualTo(new TableLookup.Found("p:" + table));
  }

  @Test
  void ddlEndsTheWaitAtOnceAndATableThatCannotTakeTheRowsIsUnfit() throws Exception {
    TableName table = routed.table();
    assertThat(routed.lookup(table)).isInstanceOf(TableLookup.Missing.class);
    PG.execute("CREATE TABLE " + routed.name + " (id integer, shape point)");

    TableLookup.Lookup unfit = routed.lookupAfterDdl(table);

    assertThat(unfit).isInstanceOf(TableLookup.Unfit.class);
    assertThat(((TableLookup.Unfit) unfit).why())
        .startsWith("pipeline p: table " + table + ": column shape has type point");
  }

  @Test
  void aRoutedTableIsRefreshedByTheTimerLikeAFixedOne() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    TableName table = routed.table();
    routed.lookup(table);
    PG.execute("ALTER TABLE " + routed.name + " ALTER COLUMN id TYPE bigint");

    routed.definitions.refreshAll();

    assertThat(
            routed.definitions.refreshes(
                TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.CHANGED))
        .isEqualTo(1);
    assertThat(routed.definitions.writer("p:" + table).coercer().columns().get(0).type().display())
        .isEqualTo("bigint");
  }

  @Test
  void theSinkWritesATableThatAppearedAfterStartRowsWithoutSomeColumnsIncluded() throws Exception {
    PG.execute(
        "CREATE TABLE "
            + routed.name
            + " (id integer DEFAULT -1, note text DEFAULT 'none', n integer DEFAULT 7)");
    TableName table = routed.table();
    String target = "p:" + table;
    assertThat(routed.lookup(table)).isEqualTo(new TableLookup.Found(target));
    List<Row> rows = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    // Long enough runs for COPY, full rows and rows leaving columns out, in one batch.
    for (int i = 0; i < 2 * RowWrites.COPY_MIN_ROWS; i++) {
      String note = i % 2 == 0 ? "n" + i : Row.UNCHANGED;
      rows.add(
          Row.insert(
              "p", target, new String[] {Integer.toString(i), note, "1"}, routed.sink.next()));
      expected.add(i + "|" + (i % 2 == 0 ? "n" + i : "none") + "|1");
    }
    for (int i = 100; i < 100 + 2 * RowWrites.COPY_MIN_ROWS; i++) {
      rows.add(
          Row.insert(
              "p",
              target,
              new String[] {Integer.toString(i), "m", Row.UNCHANGED},
              routed.sink.next()));
      expected.add(i + "|m|7");
    }
    rows.add(
        Row.insert(
            "p",
            target,
            new String[] {Row.UNCHANGED, Row.UNCHANGED, Row.UNCHANGED},
            routed.sink.next()));
    expected.add(0, "-1|none|7");

    new CommittingSink(routed.sink.sink(routed.definitions, WorkerSettings.WriteMethod.COPY))
        .write(rows, List.of());

    List<String> stored = new ArrayList<>();
    PG.queryRows("SELECT id, note, n FROM " + routed.name + " ORDER BY id")
        .forEach(r -> stored.add(r.get("id") + "|" + r.get("note") + "|" + r.get("n")));
    assertThat(stored).isEqualTo(expected);
  }

  @Test
  void aRoutedTableIsDescribedWithThePipelinesColumnFormats() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, payload bytea)");
    PipelineSettings declaring =
        RoutedTablesFixture.pipeline(
            PG, Map.of("payload", ColumnFormat.of(ColumnFormat.Kind.BASE64)));
    TableName table = routed.table();
    try (TableDefinitions own =
        TableDefinitions.read(routed.sink.dataSource, List.of(declaring), routed.clock)) {
      assertThat(own.routed().lookup(declaring, table))
          .isEqualTo(new TableLookup.Found("p:" + table));

      // Without the declaration a JSON string is refused for bytea: its encoding is unknown.
      assertThat(
              own.current("p:" + table)
                  .row(new JsonNode[] {IntNode.valueOf(1), TextNode.valueOf("AP8=")}))
          .containsExactly("1", "\\x00ff");
    }
  }
}
