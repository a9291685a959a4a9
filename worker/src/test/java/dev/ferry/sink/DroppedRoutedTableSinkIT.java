package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.CdcSettings;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import dev.ferry.config.TableName;
import dev.ferry.config.TableTemplate;
import dev.ferry.config.TargetSettings;
import dev.ferry.support.LogCapture;
import dev.ferry.support.ManualClock;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table looked up per record and dropped while Ferry writes to it, against a real Postgres: the
 * write fails with {@code 42P01}, the re-read finds the table gone and takes it as dropped (refresh
 * outcome {@code dropped}, one WARN), its next lookup finds it missing and says why, and once it
 * exists again it is described anew and written. A fixed table read at start that is dropped stays
 * as it was (outcome {@code failed}).
 */
@Timeout(60)
class DroppedRoutedTableSinkIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static int tables;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private SinkFixture fixture;
  private String name;
  private TableName table;
  private String target;
  private PipelineSettings pipeline;
  private TableDefinitions definitions;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new SinkFixture(PG);
    name = "dropped_" + tables++;
    table = fixture.table(name);
    target = "p:" + table;
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
  void aDroppedTableIsMissingToItsNextLookupAndDescribedAnewOnceItExistsAgain() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(new TableLookup.Found(target));
    PostgresSink sink = fixture.sink(definitions);
    new CommittingSink(sink).write(List.of(row(1)), List.of());
    PG.execute("DROP TABLE " + name);
    List<Row> rows = List.of(row(2), row(3));
    long generation = sink.definitionsGeneration();

    SinkResult failed = sink.write(rows, List.of());
    assertThat(failed).isInstanceOf(SinkResult.RolledBack.class);
    assertThat(((SinkResult.RolledBack) failed).tableChanged()).isTrue();
    assertThat(((SinkResult.RolledBack) failed).cause().getSQLState()).isEqualTo("42P01");
    try (LogCapture logs = LogCapture.attach()) {
      assertThat(sink.refreshDefinitions(rows, generation)).isTrue();
      // Asked again (another lane's write): already known, nothing read, nothing logged again.
      assertThat(sink.refreshDefinitions(rows, sink.definitionsGeneration())).isTrue();
      assertThat(logs.linesContaining("was dropped (noticed on sink-error)"))
          .singleElement()
          .asString()
          .startsWith("WARN")
          .contains("table " + table + " of pipeline p was dropped");
    }
    assertThat(sink.droppedTargets(rows)).containsExactly(target);
    assertThat(
            definitions.refreshes(
                TableDefinitions.Trigger.SINK_ERROR, TableDefinitions.Outcome.DROPPED))
        .isEqualTo(1);
    assertThat(definitions.routed().lookup(pipeline, table))
        .isEqualTo(
            new TableLookup.Missing(
                "table "
                    + table
                    + " does not exist: it was dropped after pipeline p had written to it"
                    + " (pipeline p looks for it again after 10s)"));

    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    try (LogCapture logs = LogCapture.attach()) {
      assertThat(definitions.routed().lookupAfterDdl(pipeline, table))
          .isEqualTo(new TableLookup.Found(target));
      assertThat(logs.linesContaining("described again after it was dropped")).hasSize(1);
    }
    assertThat(sink.droppedTargets(rows)).isEmpty();
    new CommittingSink(sink).write(rows, List.of());
    assertThat(PG.queryRows("SELECT id, note FROM " + name + " ORDER BY id"))
        .extracting(r -> r.get("id") + "|" + r.get("note"))
        .containsExactly("2|n2", "3|n3");
  }

  @Test
  void theTimerFindsADroppedTableOnceAndThenLeavesItToItsNextLookup() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    definitions.routed().lookup(pipeline, table);
    PG.execute("DROP TABLE " + name);

    definitions.refreshAll();
    definitions.refreshAll();

    assertThat(
            definitions.refreshes(TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.DROPPED))
        .isEqualTo(1);
    assertThat(
            definitions.refreshes(TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.FAILED))
        .isZero();
    assertThat(definitions.droppedTargets(List.of(target))).containsExactly(target);
    assertThat(definitions.routed().lookup(pipeline, table))
        .isInstanceOf(TableLookup.Missing.class);
  }

  @Test
  void aFixedTableReadAtStartThatIsDroppedIsKeptAsItWas() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, note text)");
    PipelineSettings fixed =
        SinkFixture.pipeline(
            "f",
            new TargetSettings(
                table, PipelineSettings.Mode.INSERT, List.of(), Map.of(), true, Optional.empty()));
    try (TableDefinitions atStart =
        TableDefinitions.read(fixture.dataSource, List.of(fixed), clock)) {
      PG.execute("DROP TABLE " + name);
      String key = "f:" + table;
      long generation = atStart.generation();

      assertThat(atStart.refreshAfterSinkError(List.of(key), generation)).isFalse();

      assertThat(
              atStart.refreshes(
                  TableDefinitions.Trigger.SINK_ERROR, TableDefinitions.Outcome.FAILED))
          .isEqualTo(1);
      assertThat(atStart.droppedTargets(List.of(key))).isEmpty();
      assertThat(atStart.writer(key).columnNames()).containsExactly("id", "note");
    }
  }

  private Row row(int id) {
    return Row.insert("p", target, new String[] {Integer.toString(id), "n" + id}, fixture.next());
  }
}
