package dev.ferry.it.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Asserts a table's rows exactly, column by column: each column is read as the Java type of its
 * expected value ({@code numeric} as a {@link java.math.BigDecimal} compared with its scale, {@code
 * timestamptz} as a UTC {@link java.time.OffsetDateTime}, {@code time} and {@code timestamp} to the
 * microsecond, {@code bytea} byte for byte, {@code jsonb} as a JSON tree), so nothing is compared
 * through a lossy text form.
 */
final class ExactRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExactRows() {}

  /**
   * Asserts that {@code SELECT * FROM table ORDER BY orderBy} returns exactly {@code expected}, in
   * order; a {@code null} expected value means SQL NULL.
   */
  static void assertTable(
      PostgresSchemaExtension pg, String table, String orderBy, List<Map<String, Object>> expected)
      throws Exception {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
      List<String> seen = new ArrayList<>();
      int i = 0;
      while (rows.next()) {
        assertThat(i).as("more rows than expected in " + table).isLessThan(expected.size());
        Map<String, Object> want = expected.get(i);
        String row = table + " row " + orderBy + "=" + want.get(orderBy);
        for (Map.Entry<String, Object> column : want.entrySet()) {
          Object actual = read(rows, column.getKey(), column.getValue());
          assertThat(actual).as(row + ", column " + column.getKey()).isEqualTo(column.getValue());
        }
        seen.add(row);
        i++;
      }
      assertThat(seen).as("rows of " + table).hasSize(expected.size());
    }
  }

  private static Object read(ResultSet rows, String column, Object expected) throws Exception {
    if (expected == null) {
      return rows.getObject(column);
    }
    if (expected instanceof JsonNode) {
      String text = rows.getString(column);
      return text == null ? null : JSON.readTree(text);
    }
    if (expected instanceof byte[]) {
      return rows.getBytes(column);
    }
    if (expected instanceof String) {
      return rows.getString(column);
    }
    return nullable(rows, rows.getObject(column, expected.getClass()));
  }

  private static Object nullable(ResultSet rows, Object value) throws SQLException {
    return rows.wasNull() ? null : value;
  }

  /** {@code text} as a JSON tree, for an expected {@code jsonb} value. */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }
}
