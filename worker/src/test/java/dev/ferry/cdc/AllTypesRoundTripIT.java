package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cdc.Fixtures.Form;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The snapshot rows of the real fixtures, normalized, coerced and cast into the columns of the
 * source table's own definition ({@link DebeziumFixtureGenerator#SETUP}), equal the rows the source
 * held, column by column, in real Postgres. Except what Debezium's encoding itself loses
 * (docs/cdc.md, "Types"): a {@code timetz}'s offset, an {@code interval}'s months, a bit string's
 * length.
 */
class AllTypesRoundTripIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  /**
   * Lost at the source: timetz comes in UTC, interval in hours, bits as bytes (written to bytea).
   */
  private static final Set<String> LOSSY = Set.of("c_timetz", "c_interval", "c_bit4", "c_varbit");

  private static final List<String> SNAPSHOT = List.of("r-typical", "r-edge", "r-max", "r-nulls");

  /** The source table and rows, as the fixtures' source database had them. */
  @BeforeAll
  static void createTheSourceTable() throws Exception {
    try (Connection c = PG.connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + PG.schema());
      for (String sql : DebeziumFixtureGenerator.SETUP.split(";\n")) {
        if (!sql.isBlank()) {
          s.execute(sql);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void theSnapshotRowsLandEqualToTheSource(Form form) throws Exception {
    try (Connection c = PG.connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + PG.schema());
      String actual = "actual_" + form.name().toLowerCase();
      s.execute("CREATE TABLE " + actual + " (LIKE all_types)");
      s.execute(
          "ALTER TABLE "
              + actual
              + " ALTER c_bit4 TYPE bytea USING NULL,"
              + " ALTER c_varbit TYPE bytea USING NULL");
      List<String> columns = new ArrayList<>(Fixtures.COLUMNS.keySet());
      insert(c, actual, columns, form);
      try (ResultSet joined =
          s.executeQuery("SELECT count(*) FROM all_types JOIN " + actual + " USING (id)")) {
        assertThat(joined.next()).isTrue();
        assertThat(joined.getInt(1)).isEqualTo(SNAPSHOT.size());
      }
      assertThat(differences(c, actual, columns)).isEmpty();
    }
  }

  private static void insert(Connection c, String table, List<String> columns, Form form)
      throws Exception {
    StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (");
    sql.append(String.join(", ", columns)).append(") VALUES (");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i > 0 ? ", " : "")
          .append("CAST(? AS ")
          .append(Fixtures.COLUMNS.get(columns.get(i)).castType())
          .append(')');
    }
    try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
      for (String label : SNAPSHOT) {
        ChangeEvent event = Fixtures.event(form, label);
        for (int i = 0; i < columns.size(); i++) {
          ps.setString(i + 1, Fixtures.sqlText(event, columns.get(i)));
        }
        ps.executeUpdate();
      }
    }
  }

  /** Each column of each row that differs, as "id column: source vs written". */
  private static List<String> differences(Connection c, String actual, List<String> columns)
      throws Exception {
    List<String> differences = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (String column : columns) {
        if (LOSSY.contains(column)) {
          continue;
        }
        String cast = column.equals("c_json") ? "::text" : "";
        try (ResultSet rs =
            s.executeQuery(
                "SELECT e.id, e."
                    + column
                    + "::text, a."
                    + column
                    + "::text FROM all_types e JOIN "
                    + actual
                    + " a USING (id) WHERE e."
                    + column
                    + cast
                    + " IS DISTINCT FROM a."
                    + column
                    + cast)) {
          while (rs.next()) {
            differences.add(
                rs.getInt(1) + " " + column + ": " + rs.getString(2) + " vs " + rs.getString(3));
          }
        }
      }
    }
    return differences;
  }
}
