package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.PipelineSettings;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guarantee 10, newer wins: a change older than what its row already reflects (by source position,
 * or by a version column) is not applied, reported stale and still completed.
 */
class NewerWinsSinkIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static int tables;
  private SinkFixture fixture;
  private String table;
  private PipelineSettings pipeline;
  private String target;

  @BeforeEach
  void customers() throws Exception {
    fixture = new SinkFixture(PG);
    table = "customers_" + tables++;
    PG.execute(
        "CREATE TABLE " + table + " (id integer PRIMARY KEY, name text CHECK (name <> 'bad'))");
    pipeline = SinkFixture.pipeline(table, fixture.byName(table, List.of(), Map.of()));
    target = PostgresSink.targetKey(pipeline.name(), pipeline.table());
  }

  @Test
  void anOlderUpsertIsStaleInTheSameBatchAndInALaterOne() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      Row newer = upsert("1", "newer", 20);
      Row older = upsert("1", "older", 10);

      Written first = sink.write(List.of(newer, older, upsert("2", "two", 5)), List.of());
      Written later = sink.write(List.of(upsert("1", "older still", 19)), List.of());

      assertThat(first.stale()).containsExactly(older.origin());
      assertThat(later.stale()).hasSize(1);
      assertThat(names()).containsExactly("1=newer", "2=two");
      assertThat(position("[\"1\"]")).isEqualTo(20);
      // Stale records are complete: their offset markers were written.
      assertThat(sink.alreadyApplied(List.of(older.origin(), later.stale().iterator().next())))
          .hasSize(2);
    }
  }

  @Test
  void anEqualPositionIsAppliedAgain() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(upsert("1", "first", 40)), List.of());

      Written again = sink.write(List.of(upsert("1", "second", 40)), List.of());

      assertThat(again).isSameAs(Written.ALL);
      assertThat(names()).containsExactly("1=second");
    }
  }

  @Test
  void anOldCreateReplayedAfterTheDeleteDoesNotBringTheRowBack() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(upsert("1", "created", 10), delete("1", 20)), List.of());
      assertThat(names()).isEmpty();

      Written replay = sink.write(List.of(upsert("1", "created", 10)), List.of());

      assertThat(replay.stale()).hasSize(1);
      assertThat(names()).isEmpty();
      assertThat(position("[\"1\"]")).isEqualTo(20);
    }
  }

  @Test
  void aTruncateSetsTheFloorAndIsStaleBelowAnyNewerChange() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(upsert("1", "one", 10), upsert("2", "two", 20)), List.of());

      Row oldTruncate = truncate(15);
      assertThat(sink.write(List.of(oldTruncate), List.of()).stale())
          .containsExactly(oldTruncate.origin());
      assertThat(names()).containsExactly("1=one", "2=two");

      Row truncate = truncate(30);
      Row beforeIt = upsert("3", "three", 25);
      Row afterIt = upsert("4", "four", 35);
      Written written = sink.write(List.of(truncate, beforeIt, afterIt), List.of());

      assertThat(written.stale()).containsExactly(beforeIt.origin());
      assertThat(names()).containsExactly("4=four");
      assertThat(position("")).isEqualTo(30);
      // The keys the floor covers are forgotten; a key never seen is held to the floor.
      assertThat(position("[\"1\"]")).isNull();
      assertThat(sink.write(List.of(upsert("5", "five", 29)), List.of()).stale()).hasSize(1);
    }
  }

  @Test
  void theIsolatingPathSkipsStaleRecordsAndARejectedRowAdvancesNoPosition() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(upsert("1", "one", 50)), List.of());
      Row stale = upsert("1", "older", 40);
      Row rejected = upsert("2", "bad", 30);
      Row applied = upsert("2", "two", 20);

      Written written = sink.writeIsolating(List.of(stale, rejected, applied), List.of());

      assertThat(written.stale()).containsExactly(stale.origin());
      assertThat(written.rejected()).containsOnlyKeys(1);
      assertThat(names()).containsExactly("1=one", "2=two");
      assertThat(position("[\"2\"]")).isEqualTo(20);
      assertThat(sink.alreadyApplied(List.of(stale.origin(), rejected.origin(), applied.origin())))
          .containsExactlyInAnyOrder(stale.origin(), applied.origin());
    }
  }

  @Test
  void aVersionColumnKeepsTheNewestVersionInBothWritePaths() throws Exception {
    PG.execute("CREATE TABLE items_" + table + " (id integer PRIMARY KEY, v bigint, name text)");
    PipelineSettings itemsPipeline =
        SinkFixture.pipeline(
            "items",
            fixture.versioned("items_" + table, List.of("id"), List.of("id", "v", "name"), "v"));
    String items = PostgresSink.targetKey("items", fixture.table("items_" + table));
    try (TableDefinitions definitions = fixture.tables(itemsPipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(
          List.of(item(items, "1", "5", "five"), item(items, "3", null, "unversioned")), List.of());

      Row older = item(items, "1", "3", "three");
      Row newer = item(items, "1", "7", "seven");
      Row sameBatchNewer = item(items, "2", "9", "nine");
      Row sameBatchOlder = item(items, "2", "8", "eight");
      Row overNull = item(items, "3", "1", "one");
      Row nullOverVersion = item(items, "1", null, "null");
      Written written =
          sink.write(List.of(older, sameBatchNewer, sameBatchOlder, overNull), List.of());
      Written isolating = sink.writeIsolating(List.of(nullOverVersion, newer), List.of());

      assertThat(written.stale())
          .containsExactlyInAnyOrder(older.origin(), sameBatchOlder.origin());
      assertThat(isolating.stale()).containsExactly(nullOverVersion.origin());
      assertThat(
              PG.queryRows("SELECT id, v, name FROM items_" + table + " ORDER BY id").stream()
                  .map(r -> r.get("id") + ":" + r.get("v") + ":" + r.get("name"))
                  .toList())
          .containsExactly("1:7:seven", "2:9:nine", "3:1:one");
    }
  }

  @Test
  void aDeleteEarlierInTheBatchStartsTheKeyAfreshForItsVersion() throws Exception {
    PG.execute("CREATE TABLE items_" + table + " (id integer PRIMARY KEY, v bigint, name text)");
    PipelineSettings itemsPipeline =
        SinkFixture.pipeline(
            "items",
            fixture.versioned("items_" + table, List.of("id"), List.of("id", "v", "name"), "v"));
    String items = PostgresSink.targetKey("items", fixture.table("items_" + table));
    try (TableDefinitions definitions = fixture.tables(itemsPipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(item(items, "1", "5", "five")), List.of());

      Written written =
          sink.write(
              List.of(
                  Row.delete("items", items, new String[] {"1"}, fixture.next()),
                  item(items, "1", "2", "two")),
              List.of());

      assertThat(written).isSameAs(Written.ALL);
      assertThat(PG.queryLong("SELECT v FROM items_" + table + " WHERE id = 1")).isEqualTo(2);
    }
  }

  @Test
  void aVersionColumnMustBeAMappedOrderableNonKeyColumnOfAnUpsert() {
    PG.execute(
        "CREATE TABLE checked_"
            + table
            + " (id integer PRIMARY KEY, v bigint, doc jsonb, unmapped bigint)");
    String checked = "checked_" + table;
    List<String> columns = List.of("id", "v", "doc");

    assertThat(setupError(fixture.versioned(checked, List.of("id"), columns, "id")))
        .contains("version-column id is a key column");
    assertThat(setupError(fixture.versioned(checked, List.of("id"), columns, "unmapped")))
        .contains("version-column unmapped is not one of the mapped columns");
    assertThat(setupError(fixture.versioned(checked, List.of("id"), columns, "doc")))
        .contains("version-column doc has type jsonb, which Ferry does not compare");
  }

  private String setupError(dev.ferry.config.TargetSettings target) {
    try (TableDefinitions definitions = fixture.tables(SinkFixture.pipeline("checked", target))) {
      throw new AssertionError("accepted " + target + " " + definitions.generation());
    } catch (SinkSetupException e) {
      return e.getMessage();
    }
  }

  private Row item(String items, String id, String v, String name) {
    return Row.insert("items", items, new String[] {id, v, name}, fixture.next());
  }

  private Row upsert(String id, String name, long position) {
    return Row.insert(pipeline.name(), target, new String[] {id, name}, fixture.next())
        .at(position);
  }

  private Row delete(String id, long position) {
    return Row.delete(pipeline.name(), target, new String[] {id}, fixture.next()).at(position);
  }

  private Row truncate(long position) {
    return Row.truncate(pipeline.name(), target, fixture.next()).at(position);
  }

  private List<String> names() {
    List<String> names = new ArrayList<>();
    PG.queryRows("SELECT id, name FROM " + table + " ORDER BY id")
        .forEach(r -> names.add(r.get("id") + "=" + r.get("name")));
    return names;
  }

  private Long position(String rowKey) {
    List<Map<String, Object>> rows =
        PG.queryRows(
            "SELECT position FROM ferry.source_positions WHERE target = '"
                + target
                + "' AND row_key = '"
                + rowKey
                + "'");
    return rows.isEmpty() ? null : (Long) rows.get(0).get("position");
  }
}
