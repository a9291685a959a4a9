package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TargetSettings;
import dev.ferry.config.WorkerSettings;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An insert-mode target is copied only where COPY writes what the INSERT would: a plain table
 * without rules and without a {@code GENERATED ALWAYS} identity column among the mapped ones. Any
 * other target keeps the statements and behaves the same with either write method.
 */
class CopyTargetsSinkIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int ROWS = 2 * RowWrites.COPY_MIN_ROWS;
  private static int tables;
  private SinkFixture fixture;
  private String name;

  @BeforeEach
  void names() throws Exception {
    fixture = new SinkFixture(PG);
    name = "target_" + tables++;
  }

  private PipelineSettings insert(String table, String... columns) {
    Map<String, ColumnSource> mapped = new LinkedHashMap<>();
    for (String column : columns) {
      mapped.put(column, ColumnSource.parse("/" + column));
    }
    return SinkFixture.pipeline(
        table,
        new TargetSettings(
            fixture.table(table),
            PipelineSettings.Mode.INSERT,
            List.of(),
            mapped,
            false,
            Optional.empty()));
  }

  private List<Row> rows(PipelineSettings pipeline, int first) {
    String target = PostgresSink.targetKey(pipeline.name(), pipeline.table());
    List<Row> rows = new ArrayList<>();
    for (int i = first; i < first + ROWS; i++) {
      rows.add(
          Row.insert(
              pipeline.name(),
              target,
              new String[] {Integer.toString(i), "n" + i},
              fixture.next()));
    }
    return rows;
  }

  @Test
  void aPlainTableIsCopiedAndAViewOrATableWithRulesIsNot() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer, name text)");
    PG.execute("CREATE VIEW " + name + "_view AS SELECT id, name FROM " + name);
    PG.execute("CREATE TABLE " + name + "_ruled (id integer, name text)");
    PG.execute(
        "CREATE RULE doubled AS ON INSERT TO "
            + name
            + "_ruled DO ALSO INSERT INTO "
            + name
            + " VALUES (NEW.id, NEW.name || ' by rule')");
    PipelineSettings table = insert(name, "id", "name");
    PipelineSettings view = insert(name + "_view", "id", "name");
    PipelineSettings ruled = insert(name + "_ruled", "id", "name");

    try (TableDefinitions definitions = fixture.tables(table, view, ruled)) {
      assertThat(definitions.writer(targetOf(table)).copySql()).isPresent();
      assertThat(definitions.writer(targetOf(view)).copySql()).isEmpty();
      assertThat(definitions.writer(targetOf(ruled)).copySql()).isEmpty();
      CommittingSink sink =
          new CommittingSink(fixture.sink(definitions, WorkerSettings.WriteMethod.COPY));

      sink.write(rows(view, 0), List.of());
      sink.write(rows(ruled, 100), List.of());

      // The view's rows, and the ruled table's rows again by its rule.
      assertThat(PG.queryLong("SELECT count(*) FROM " + name)).isEqualTo(2L * ROWS);
      assertThat(PG.queryLong("SELECT count(*) FROM " + name + "_ruled")).isEqualTo(ROWS);
      assertThat(PG.queryLong("SELECT count(*) FROM " + name + " WHERE name LIKE '% by rule'"))
          .isEqualTo(ROWS);
    }
  }

  @Test
  void anAlwaysGeneratedIdentityIsRefusedWithEitherWriteMethod() throws Exception {
    PG.execute("CREATE TABLE " + name + " (id integer GENERATED ALWAYS AS IDENTITY, name text)");
    PipelineSettings pipeline = insert(name, "id", "name");

    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      assertThat(definitions.writer(targetOf(pipeline)).copySql()).isEmpty();
      for (WorkerSettings.WriteMethod method : WorkerSettings.WriteMethod.values()) {
        PostgresSink sink = fixture.sink(definitions, method);

        assertThat(sink.write(rows(pipeline, 0), List.of()))
            .as(method.name())
            .isInstanceOfSatisfying(
                SinkResult.RolledBack.class,
                r -> assertThat(sqlState(r.cause())).isEqualTo("428C9"));
      }
      assertThat(PG.queryLong("SELECT count(*) FROM " + name)).isZero();
    }
  }

  private static String targetOf(PipelineSettings pipeline) {
    return PostgresSink.targetKey(pipeline.name(), pipeline.table());
  }

  /** The server's SQLSTATE, also when PgJDBC wraps it in a batch failure. */
  private static String sqlState(SQLException e) {
    return e.getNextException() != null ? e.getNextException().getSQLState() : e.getSQLState();
  }
}
