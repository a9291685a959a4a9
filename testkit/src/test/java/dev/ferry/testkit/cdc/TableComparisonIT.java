package dev.ferry.testkit.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The comparison the change-data-capture tests end with, between a table in a private cluster and
 * one in the shared server: equal values compare equal across types and sessions, and a difference
 * is found and named (key, column, both values).
 */
class TableComparisonIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String COLUMNS =
      "(id int PRIMARY KEY, s smallint, n numeric(12,4), u numeric, r real, d double precision,"
          + " b boolean, t text, v varchar(40), g uuid, day date, tm time, tz timetz,"
          + " ts timestamp, tstz timestamptz, iv interval, j json, jb jsonb, by bytea)";

  private static PrivatePostgres source;
  private static SourceDatabase sourceDb;
  private static Connection target;

  @BeforeAll
  static void databases() {
    source = PrivatePostgres.start();
    sourceDb = SourceDatabase.open(source, "postgres");
    sourceDb.execute("CREATE TABLE items " + COLUMNS);
    PG.execute("CREATE TABLE items " + COLUMNS);
    target = PG.connect();
  }

  @AfterAll
  static void close() throws Exception {
    target.close();
    sourceDb.close();
    source.close();
  }

  @BeforeEach
  void sameRowsSpelledDifferently() throws Exception {
    sourceDb.execute(
        "TRUNCATE items",
        "INSERT INTO items VALUES (1, -3, 12345678.1234, 0.000000001, 1.1, 0.1, true, 'a''b',"
            + " 'v', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '1969-12-31', '23:59:59.999999',"
            + " '10:15:30+02', '2024-02-29 01:02:03.456789', '2024-02-29 01:02:03.456789+05:30',"
            + " '1 day 02:00:00', '{\"a\": [1, 2]}', '{\"b\": 1, \"a\": null}', '\\x00ff'),"
            + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL, NULL, NULL, NULL, NULL, NULL)");
    PG.execute("TRUNCATE items");
    try (Statement s = target.createStatement()) {
      // A session in another time zone and styles: the comparison prints both sides alike.
      s.execute(
          "SET TimeZone = 'America/New_York'; SET DateStyle = 'ISO, DMY';"
              + " SET IntervalStyle = 'iso_8601'; SET extra_float_digits = -3");
      s.execute(
          "INSERT INTO items (id, by, jb, j, iv, tstz, ts, tz, tm, day, g, v, t, b, d, r, u, n, s)"
              + " VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
              + " NULL, NULL, NULL, NULL, NULL, NULL, NULL), (1, '\\x00FF',"
              + " '{\"a\": null, \"b\": 1}', '{\"a\":[1,2]}', '26 hours',"
              + " '2024-02-28 19:32:03.456789Z', '2024-02-29 01:02:03.456789', '08:15:30Z',"
              + " '23:59:59.999999', '1969-12-31', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'v',"
              + " 'a''b', 'yes', 0.1, 1.1, 1e-9, 12345678.12340, -3)");
    }
  }

  private static TableComparison comparison() {
    return TableComparison.between(sourceDb.connection(), "public.items", target, "items");
  }

  @Test
  void tablesWithEqualValuesCompareEqualWhateverTheSpellingOrSession() {
    TableComparison.Result result = comparison().compare();

    assertThat(result.description()).isEqualTo("equal");
    assertThat(result.equal()).isTrue();
    assertThat(result.sourceRows()).isEqualTo(2);
    assertThat(result.targetRows()).isEqualTo(2);
    comparison().assertEqual();
  }

  @Test
  void aChangedValueIsFoundAndNamedWithBothValues() {
    PG.execute("UPDATE items SET tstz = tstz + interval '1 microsecond' WHERE id = 1");

    TableComparison.Result result = comparison().compare();

    assertThat(result.equal()).isFalse();
    assertThat(result.description())
        .contains("1 columns that differ:")
        .contains(
            "key '1' column tstz: source '2024-02-28 19:32:03.456789+00',"
                + " target '2024-02-28 19:32:03.45679+00'");
    assertThatThrownBy(() -> comparison().assertEqual())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("column tstz");
  }

  @Test
  void aNullWhereAValueWasIsADifference() {
    PG.execute("UPDATE items SET t = NULL WHERE id = 1");

    assertThat(comparison().compare().description())
        .contains("key '1' column t: source 'a'b', target NULL");
  }

  @Test
  void rowsOnlyOnOneSideAreNamedByKey() {
    sourceDb.execute("INSERT INTO items (id, t) VALUES (3, 'new at the source')");
    PG.execute("INSERT INTO items (id, t) VALUES (4, 'left in the target')");

    TableComparison.Result result = comparison().compare();

    assertThat(result.equal()).isFalse();
    assertThat(result.sourceRows()).isEqualTo(3);
    assertThat(result.targetRows()).isEqualTo(3);
    assertThat(result.description())
        .contains("1 only in the source (missing in the target):\n    '3' [")
        .contains("'new at the source'")
        .contains("1 only in the target:\n    '4' [")
        .doesNotContain("columns that differ");
  }

  @Test
  void aLeftOutColumnIsNotCompared() {
    PG.execute("UPDATE items SET n = 1 WHERE id = 1");

    assertThat(comparison().compare().equal()).isFalse();
    assertThat(comparison().without("n").compare().equal()).isTrue();
  }
}
