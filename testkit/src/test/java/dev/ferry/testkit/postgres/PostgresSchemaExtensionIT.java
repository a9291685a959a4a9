package dev.ferry.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The schema fixture against the real database. */
class PostgresSchemaExtensionIT {

  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  /** Written by the fixture while it runs; read after it ran. */
  private static final AtomicReference<String> FIXTURE_SCHEMA = new AtomicReference<>();

  @Test
  void theSchemaExistsAndIsTheSearchPath() throws Exception {
    assertThat(PG.schema()).matches("ferry_test_postgresschemaextensionit_[a-z0-9]{6}");
    assertThat(
            PG.queryLong(
                "select count(*) from information_schema.schemata where schema_name = '"
                    + PG.schema()
                    + "'"))
        .isEqualTo(1);
    try (Connection connection = PG.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select current_schema()")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo(PG.schema());
    }
  }

  @Test
  void eventsSqlCreatesTheEventsTableInTheSchema() {
    PG.executeSchemaFile("events.sql");
    PG.executeSchemaFile("events.sql"); // IF NOT EXISTS: applying it twice is fine
    UUID id = UUID.randomUUID();
    PG.execute(
        "insert into events (event_id, user_id, type, amount, ts, attrs) values ('"
            + id
            + "', 'user-1', 'purchase', 12.30, '2025-01-01T00:00:01.234Z', '{\"n\": 1}');"
            + "insert into events (event_id, user_id, type, amount, ts, attrs) values ('"
            + id
            + "', 'user-1', 'purchase', 12.30, '2025-01-01T00:00:01.234Z', '{\"n\": 1}')");

    // No unique constraint: the duplicate is kept, which the exactly-once tests rely on.
    assertThat(PG.queryLong("select count(*) from " + PG.qualified("events"))).isEqualTo(2);
    List<Map<String, Object>> rows = PG.queryRows("select event_id, amount, attrs from events");
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsEntry("event_id", id)
        .containsEntry("amount", new BigDecimal("12.30"));
    assertThat(rows.get(0).get("attrs")).hasToString("{\"n\": 1}");
  }

  @Test
  void theRepositoryFileAndTheBundledCopyAreTheSame() {
    Path file = Path.of("..", "schemas", "events.sql");
    assertThat(PostgresSchemaExtension.loadSql(file))
        .isEqualTo(PostgresSchemaExtension.loadSchemaFile("events.sql"));
  }

  @Test
  void sqlErrorsNameTheStatementAndTheSqlState() {
    assertThatThrownBy(() -> PG.execute("select * from no_such_table"))
        .isInstanceOf(UncheckedSqlException.class)
        .hasMessageContaining("select * from no_such_table")
        .hasMessageContaining("42P01");
  }

  @Test
  void theSchemaIsDroppedWithItsTablesAfterTheClass() {
    var results =
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute();

    results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    assertThat(FIXTURE_SCHEMA.get()).startsWith("ferry_test_fixture_");
    assertThat(
            PG.queryLong(
                "select count(*) from information_schema.schemata where schema_name = '"
                    + FIXTURE_SCHEMA.get()
                    + "'"))
        .isZero();
  }

  static class Fixture {

    @RegisterExtension
    static final PostgresSchemaExtension FIXTURE_PG = new PostgresSchemaExtension();

    @Test
    void leavesATableBehind() {
      FIXTURE_SCHEMA.set(FIXTURE_PG.schema());
      FIXTURE_PG.executeSchemaFile("events.sql");
      FIXTURE_PG.execute(
          "insert into events values (gen_random_uuid(), 'u', 'click', 1, now(), null)");
    }
  }
}
