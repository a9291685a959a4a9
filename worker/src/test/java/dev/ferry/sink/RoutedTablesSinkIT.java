package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.config.CdcSettings;
import dev.ferry.config.ColumnFormat;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import dev.ferry.config.TableName;
import dev.ferry.config.TableTemplate;
import dev.ferry.config.TargetSettings;
import dev.ferry.config.WorkerSettings;
import dev.ferry.support.LogCapture;
import dev.ferry.support.ManualClock;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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

  private static int tables;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private SinkFixture fixture;
  private String name;
  private TableDefinitions definitions;
  private PipelineSettings pipeline;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new SinkFixture(PG);
    name = "routed_" + tables++;
    String template = PG.schema() + ".{topic}";
    TargetSettings primary =
        new TargetSettings(
            new TableName(Optional.empty(), template),
            PipelineSettings.Mode.INSERT,
            List.of(),
            Map.of(),
            true,
            Optional.empty());
    pipeline =
        new PipelineSettings(
            "p",
            List.of(SinkFixture.TOPIC),
            Optional.empty(),
            primary,
            PipelineSettings.Tombstones.SKIP,
            Optional.empty(),
            Map.of(),
            List.of(),
            Optional.empty(),
            RecordFormat.JSON,
            RecordFormat.TEXT,
            Optional.empty(),
            false,
            false,
            Optional.of(TableTemplate.parse(template, Pattern.compile(".*"))),
            CdcSettings.UnknownFields.IGNORE);
    definitions = TableDefinitions.read(fixture.dataSource, List.of(pipeline), clock);
  }

  @AfterEach
  void close() {
    definitions.close();
  }

  @Test
  void racingWorkersDescribeATableOnce() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    TableName table = fixture.table(name);
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
                  return definitions.routed().lookup(pipeline, table);
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
    assertThat(definitions.writer("p:" + table).columnNames()).containsExactly("id", "note");
  }

  @Test
  void aMissingTableIsLookedForAgainAfterTheRecheckInterval() throws Exception {
    TableName table = fixture.table(name);
    String missing = "table " + table + " does not exist (pipeline p looks for it again after 10s)";

    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(new TableLookup.Missing(missing));
    PG.execute("CREATE TABLE " + name + " (id integer)");
    clock.advance(RoutedTables.RECHECK.minusMillis(1));
    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(new TableLookup.Missing(missing)); // remembered: no catalog read per record
    clock.advance(Duration.ofMillis(1));
    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(new TableLookup.Found("p:" + table));
  }

  @Test
  void ddlEndsTheWaitAtOnceAndATableThatCannotTakeTheRowsIsUnfit() throws Exception {
    TableName table = fixture.table(name);
    assertThat(definitions.routed().lookup(pipeline, table))
        .isInstanceOf(TableLookup.Missing.class);
    PG.execute("CREATE TABLE " + name + " (id integer, shape point)");

    TableLookup.Lookup unfit = definitions.routed().lookupAfterDdl(pipeline, table);

    assertThat(unfit).isInstanceOf(TableLookup.Unfit.class);
    assertThat(((TableLookup.Unfit) unfit).why())
        .startsWith("pipeline p: table " + table + ": column shape has type point");
  }

  @Test
  void aRoutedTableIsRefreshedByTheTimerLikeAFixedOne() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    TableName table = fixture.table(name);
    definitions.routed().lookup(pipeline, table);
    PG.execute("ALTER TABLE " + name + " ALTER COLUMN id TYPE bigint");

    definitions.refreshAll();

    assertThat(
            definitions.refreshes(TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.CHANGED))
        .isEqualTo(1);
    assertThat(definitions.writer("p:" + table).coercer().columns().get(0).type().display())
        .isEqualTo("bigint");
  }

  @Test
  void theSinkWritesATableThatAppearedAfterStartRowsWithoutSomeColumnsIncluded() throws Exception {
    PG.execute(
        "CREATE TABLE "
            + name
            + " (id integer DEFAULT -1, note text DEFAULT 'none', n integer DEFAULT 7)");
    TableName table = fixture.table(name);
    String target = "p:" + table;
    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(new TableLookup.Found(target));
    List<Row> rows = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    // Long enough runs for COPY, full rows and rows leaving columns out, in one batch.
    for (int i = 0; i < 2 * RowWrites.COPY_MIN_ROWS; i++) {
      String note = i % 2 == 0 ? "n" + i : Row.UNCHANGED;
      rows.add(
          Row.insert("p", target, new String[] {Integer.toString(i), note, "1"}, fixture.next()));
      expected.add(i + "|" + (i % 2 == 0 ? "n" + i : "none") + "|1");
    }
    for (int i = 100; i < 100 + 2 * RowWrites.COPY_MIN_ROWS; i++) {
      rows.add(
          Row.insert(
              "p", target, new String[] {Integer.toString(i), "m", Row.UNCHANGED}, fixture.next()));
      expected.add(i + "|m|7");
    }
    rows.add(
        Row.insert(
            "p",
            target,
            new String[] {Row.UNCHANGED, Row.UNCHANGED, Row.UNCHANGED},
            fixture.next()));
    expected.add(0, "-1|none|7");

    new CommittingSink(fixture.sink(definitions, WorkerSettings.WriteMethod.COPY))
        .write(rows, List.of());

    List<String> stored = new ArrayList<>();
    PG.queryRows("SELECT id, note, n FROM " + name + " ORDER BY id")
        .forEach(r -> stored.add(r.get("id") + "|" + r.get("note") + "|" + r.get("n")));
    assertThat(stored).isEqualTo(expected);
  }

  @Test
  void aRoutedTableIsDescribedWithThePipelinesColumnFormats() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, payload bytea)");
    String template = PG.schema() + ".{topic}";
    TargetSettings primary =
        new TargetSettings(
            new TableName(Optional.empty(), template),
            PipelineSettings.Mode.INSERT,
            List.of(),
            Map.of(),
            true,
            Optional.empty(),
            Map.of("payload", ColumnFormat.of(ColumnFormat.Kind.BASE64)));
    PipelineSettings declaring =
        new PipelineSettings(
            "p",
            List.of(SinkFixture.TOPIC),
            Optional.empty(),
            primary,
            PipelineSettings.Tombstones.SKIP,
            Optional.empty(),
            Map.of(),
            List.of(),
            Optional.empty(),
            RecordFormat.JSON,
            RecordFormat.TEXT,
            Optional.empty(),
            false,
            false,
            Optional.of(TableTemplate.parse(template, Pattern.compile(".*"))),
            CdcSettings.UnknownFields.IGNORE);
    TableName table = fixture.table(name);
    try (TableDefinitions own =
        TableDefinitions.read(fixture.dataSource, List.of(declaring), clock)) {
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
