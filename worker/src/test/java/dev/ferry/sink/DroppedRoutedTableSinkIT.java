package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import dev.ferry.support.LogCapture;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private RoutedTablesFixture routed;
  private TableName table;
  private String target;

  @BeforeEach
  void setUp() throws Exception {
    routed = new RoutedTablesFixture(PG, "dropped_");
    table = routed.table();
    target = "p:" + table;
  }

  @AfterEach
  void close() {
    routed.close();
  }

  @Test
  void aDroppedTableIsMissingToItsNextLookupAndDescribedAnewOnceItExistsAgain() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    assertThat(routed.lookup(table)).isEqualTo(new TableLookup.Found(target));
    PostgresSink sink = routed.sink.sink(routed.definitions);
    new CommittingSink(sink).write(List.of(row(1)), List.of());
    PG.execute("DROP TABLE " + routed.name);
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
            routed.definitions.refreshes(
                TableDefinitions.Trigger.SINK_ERROR, TableDefinitions.Outcome.DROPPED))
        .isEqualTo(1);
    assertThat(routed.lookup(table))
        .isEqualTo(
            new TableLookup.Missing(
                "table "
                    + table
                    + " does not exist: it was dropped after pipeline p had written to it"
                    + " (pipeline p looks for it again after 10s)"));

    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    try (LogCapture logs = LogCapture.attach()) {
      assertThat(routed.lookupAfterDdl(table)).isEqualTo(new TableLookup.Found(target));
      assertThat(logs.linesContaining("described again after it was dropped")).hasSize(1);
    }
    assertThat(sink.droppedTargets(rows)).isEmpty();
    new CommittingSink(sink).write(rows, List.of());
    assertThat(PG.queryRows("SELECT id, note FROM " + routed.name + " ORDER BY id"))
        .extracting(r -> r.get("id") + "|" + r.get("note"))
        .containsExactly("2|n2", "3|n3");
  }

  @Test
  void theTimerFindsADroppedTableOnceAndThenLeavesItToItsNextLookup() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    routed.lookup(table);
    PG.execute("DROP TABLE " + routed.name);

    routed.definitions.refreshAll();
    routed.definitions.refreshAll();

    assertThat(
            routed.definitions.refreshes(
                TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.DROPPED))
        .isEqualTo(1);
    assertThat(
            routed.definitions.refreshes(
                TableDefinitions.Trigger.TIMER, TableDefinitions.Outcome.FAILED))
        .isZero();
    assertThat(routed.definitions.droppedTargets(List.of(target))).containsExactly(target);
    assertThat(routed.lookup(table)).isInstanceOf(TableLookup.Missing.class);
  }

  @Test
  void aFixedTableReadAtStartThatIsDroppedIsKeptAsItWas() throws Exception {
    PG.execute("CREATE TABLE " + routed.name + " (id integer, note text)");
    PipelineSettings fixed =
        SinkFixture.pipeline(
            "f",
            new TargetSettings(
                table, PipelineSettings.Mode.INSERT, List.of(), Map.of(), true, Optional.empty()));
    try (TableDefinitions atStart =
        TableDefinitions.read(routed.sink.dataSource, List.of(fixed), routed.clock)) {
      PG.execute("DROP TABLE " + routed.name);
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
    return Row.insert(
        "p", target, new String[] {Integer.toString(id), "n" + id}, routed.sink.next());
  }
}
