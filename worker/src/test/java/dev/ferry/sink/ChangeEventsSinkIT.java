package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink applies change events: columns mapped by name with the primary key as default key, a
 * column added later, partial rows that leave unchanged columns as stored, deletes and truncates.
 */
class ChangeEventsSinkIT {
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
        "CREATE TABLE "
            + table
            + " (id integer PRIMARY KEY, name text, note text DEFAULT 'default note',"
            + " source_db text)");
    pipeline =
        SinkFixture.pipeline(
            table, fixture.byName(table, List.of(), Map.of("source_db", "/source/db")));
    target = PostgresSink.targetKey(pipeline.name(), pipeline.table());
  }

  @Test
  void columnsByNameFollowTheConfiguredOnesInTableOrderKeyedByThePrimaryKey() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      TableWriter writer = definitions.writer(target);

      assertThat(writer.columns())
          .extracting(TableWriter.Column::name, TableWriter.Column::source)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("source_db", ColumnSource.parse("/source/db")),
              org.assertj.core.groups.Tuple.tuple("id", ColumnSource.Field.of("id")),
              org.assertj.core.groups.Tuple.tuple("name", ColumnSource.Field.of("name")),
              org.assertj.core.groups.Tuple.tuple("note", ColumnSource.Field.of("note")));
      assertThat(writer.coercer().keyColumns())
          .extracting(RowCoercer.Column::name)
          .containsExactly("id");
    }
  }

  @Test
  void aTableWithoutPrimaryKeyNeedsKeyColumns() {
    PG.execute("CREATE TABLE keyless_" + table + " (id integer, name text)");
    PipelineSettings keyless =
        SinkFixture.pipeline("keyless", fixture.byName("keyless_" + table, List.of(), Map.of()));

    assertThatThrownBy(() -> fixture.tables(keyless))
        .isInstanceOf(SinkSetupException.class)
        .hasMessageContaining("no primary key")
        .hasMessageContaining("key-columns");
  }

  @Test
  void keyColumnsOfAnUpsertNeedAUniqueIndex() throws Exception {
    PipelineSettings byName =
        SinkFixture.pipeline("by-name", fixture.byName(table, List.of("name"), Map.of()));

    assertThatThrownBy(() -> fixture.tables(byName))
        .isInstanceOf(SinkSetupException.class)
        .hasMessageContaining("CREATE UNIQUE INDEX ON " + fixture.table(table) + " (name)");

    PG.execute("CREATE UNIQUE INDEX ON " + table + " (name)");
    try (TableDefinitions definitions = fixture.tables(byName)) {
      assertThat(
              definitions
                  .writer(PostgresSink.targetKey("by-name", fixture.table(table)))
                  .coercer()
                  .keyColumns())
          .extracting(RowCoercer.Column::name)
          .containsExactly("name");
    }
  }

  @Test
  void partialRowsLeaveUnchangedColumnsAsStoredOrAtTheirDefault() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(List.of(write("db1", "1", "Ada", "long note")), List.of());

      Written written =
          sink.write(
              List.of(
                  write("db1", "1", "Ada L.", Row.UNCHANGED),
                  write("db1", "2", "Bob", Row.UNCHANGED),
                  // Same key, another column set, same batch: applied after, not merged.
                  write("db2", "2", Row.UNCHANGED, "Bob's note"),
                  write("db1", "3", "Cy", "first")),
              List.of());

      assertThat(written).isSameAs(Written.ALL);
      assertThat(rows())
          .containsExactly(
              List.of("1", "Ada L.", "long note", "db1"),
              List.of("2", "Bob", "Bob's note", "db2"),
              List.of("3", "Cy", "first", "db1"));
      sink.write(List.of(write("db1", "4", "Di", Row.UNCHANGED)), List.of());
      assertThat(rows()).contains(List.of("4", "Di", "default note", "db1"));
    }
  }

  @Test
  void aKeyColumnIsNeverUnchanged() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);

      assertThatThrownBy(
              () -> sink.write(List.of(write("db1", Row.UNCHANGED, "Ada", "n")), List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key column id is unchanged");
    }
  }

  @Test
  void deletesAndTruncatesApplyInRecordOrder() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      sink.write(
          List.of(
              write("db1", "1", "Ada", "a"),
              write("db1", "2", "Bob", "b"),
              Row.delete(pipeline.name(), target, new String[] {"1"}, fixture.next())),
          List.of());
      assertThat(rows()).containsExactly(List.of("2", "Bob", "b", "db1"));

      sink.write(
          List.of(
              Row.truncate(pipeline.name(), target, fixture.next()), write("db1", "3", "Cy", "c")),
          List.of());
      assertThat(rows()).containsExactly(List.of("3", "Cy", "c", "db1"));

      sink.writeIsolating(
          List.of(Row.truncate(pipeline.name(), target, fixture.next())), List.of());
      assertThat(rows()).isEmpty();
    }
  }

  @Test
  void aColumnAddedLaterIsMappedByNameAfterARefresh() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      PG.execute("ALTER TABLE " + table + " ADD COLUMN email text");

      definitions.refreshAll();

      assertThat(definitions.writer(target).columnNames())
          .containsExactly("source_db", "id", "name", "note", "email");
      assertThat(definitions.writer(target).columns().get(4).source())
          .isEqualTo(ColumnSource.Field.of("email"));
      sink.write(
          List.of(
              // Built before the refresh: written with the columns it was built for.
              write("db1", "1", "Ada", "a"),
              Row.insert(
                  pipeline.name(),
                  target,
                  new String[] {"db1", "2", "Bob", "b", "bob@example.com"},
                  fixture.next())),
          List.of());
      assertThat(PG.queryRows("SELECT id, email FROM " + table + " ORDER BY id"))
          .extracting(r -> r.get("email"))
          .containsExactly(null, "bob@example.com");
    }
  }

  private Row write(String sourceDb, String id, String name, String note) {
    return Row.insert(
        pipeline.name(), target, new String[] {sourceDb, id, name, note}, fixture.next());
  }

  private List<List<String>> rows() {
    return PG
        .queryRows("SELECT id::text, name, note, source_db FROM " + table + " ORDER BY id")
        .stream()
        .map(
            r ->
                List.of(
                    (String) r.get("id"),
                    String.valueOf(r.get("name")),
                    String.valueOf(r.get("note")),
                    String.valueOf(r.get("source_db"))))
        .toList();
  }
}
