package dev.ferry.testkit.cdc;

import dev.ferry.testkit.postgres.UncheckedSqlException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares a source table with a target table, in two databases, column by column: for each row,
 * ordered by the source table's primary key, the text of every column. Equal values compare equal
 * whatever produced them, because both sessions print values the same way ({@link #prepare}) and
 * three types are printed in a canonical form, since Debezium's encoding (or a JSON parser on the
 * way) keeps the value but not its spelling:
 *
 * <ul>
 *   <li>{@code timetz}: as the UTC time ({@code AT TIME ZONE 'UTC'}); Debezium's {@code ZonedTime}
 *       carries the instant in UTC, not the source's offset ({@code 10:15+02} arrives as {@code
 *       08:15Z}), and Postgres holds those two as different values.
 *   <li>{@code interval}: {@code justify_hours}, so {@code 26:00:00} and {@code 1 day 02:00:00}
 *       (equal intervals; Debezium's {@code MicroDuration} is a count of microseconds) compare
 *       equal.
 *   <li>{@code json}: as {@code jsonb} text, the document without its whitespace and key order
 *       (Debezium sends the JSON text, which a consumer may parse and write back compact).
 * </ul>
 *
 * <p>Each side is first reduced to a row count and an MD5 of all rows, so a poll on a large table
 * is two cheap queries; only when those differ are the rows read back to say which differ ({@link
 * Result#description}).
 *
 * <p>The column list and the key come from the source table's catalog; the target must have every
 * column by the same name (its own column order and types do not matter). Not thread-safe: one
 * thread uses the connections it was given.
 */
public final class TableComparison {
  /** How many differing rows a description names. */
  private static final int SHOWN = 5;

  private final Connection source;
  private final String sourceTable;
  private final Connection target;
  private final String targetTable;
  private final Set<String> leftOut = new LinkedHashSet<>();

  private TableComparison(
      Connection source, String sourceTable, Connection target, String targetTable) {
    this.source = source;
    this.sourceTable = sourceTable;
    this.target = target;
    this.targetTable = targetTable;
  }

  /**
   * The outcome of one comparison.
   *
   * @param equal whether both tables hold the same rows
   * @param sourceRows the source table's row count
   * @param targetRows the target table's row count
   * @param description for a difference, the first differing rows (keys only on one side, then
   *     columns that differ, with both values); {@code "equal"} otherwise
   */
  public record Result(boolean equal, long sourceRows, long targetRows, String description) {}

  /**
   * A comparison of {@code sourceTable} (on {@code source}) with {@code targetTable} (on {@code
   * target}). Applies {@link #prepare} to both connections.
   *
   * @param sourceTable a table name as SQL takes it, e.g. {@code public.items}
   */
  public static TableComparison between(
      Connection source, String sourceTable, Connection target, String targetTable) {
    prepare(source);
    prepare(target);
    return new TableComparison(source, sourceTable, target, targetTable);
  }

  /**
   * Makes a session print values the way every other prepared session does: {@code TimeZone} UTC,
   * {@code DateStyle} ISO, {@code IntervalStyle} postgres, {@code extra_float_digits} 1 (the
   * shortest text that reads back exactly), {@code bytea_output} hex.
   */
  public static void prepare(Connection connection) {
    try (Statement s = connection.createStatement()) {
      s.execute(
          "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
              + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot set the session's output settings", e);
    }
  }

  /**
   * Leaves these source columns out of the comparison (for a column a test cannot replicate; say
   * why where it is called).
   *
   * @return this comparison
   */
  public TableComparison without(String... columns) {
    leftOut.addAll(List.of(columns));
    return this;
  }

  /** Compares the two tables as they are now. */
  public Result compare() {
    SourceColumns columns = SourceColumns.of(source, sourceTable, leftOut);
    String rowText = columns.rowTextSql();
    String keyText = columns.keyTextSql();
    String digest =
        "SELECT count(*), coalesce(md5(string_agg("
            + rowText
            + ", E'\\n' ORDER BY "
            + keyText
            + " COLLATE \"C\")), '') FROM %s";
    String[] sourceDigest = digest(source, digest.formatted(sourceTable));
    String[] targetDigest = digest(target, digest.formatted(targetTable));
    long sourceRows = Long.parseLong(sourceDigest[0]);
    long targetRows = Long.parseLong(targetDigest[0]);
    if (sourceDigest[1].equals(targetDigest[1]) && sourceRows == targetRows) {
      return new Result(true, sourceRows, targetRows, "equal");
    }
    String rows = "SELECT " + keyText + ", " + columns.valuesSql() + " FROM %s";
    RowDiff diff =
        RowDiff.of(
            columns.names(),
            rows(source, rows.formatted(sourceTable)),
            rows(target, rows.formatted(targetTable)));
    String description =
        sourceTable
            + " ("
            + sourceRows
            + " rows) and "
            + targetTable
            + " ("
            + targetRows
            + " rows) differ"
            + diff.describe(SHOWN);
    return new Result(false, sourceRows, targetRows, description);
  }

  /**
   * Compares and fails unless the tables are equal.
   *
   * @throws AssertionError naming the first differing rows and columns
   */
  public void assertEqual() {
    Result result = compare();
    if (!result.equal()) {
      throw new AssertionError(result.description());
    }
  }

  private static String[] digest(Connection connection, String sql) {
    try (PreparedStatement s = connection.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new String[] {rs.getString(1), rs.getString(2)};
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot compare: " + sql, e);
    }
  }

  /** Each row as its key text followed by the text of each compared column (null for NULL). */
  private static List<String[]> rows(Connection connection, String sql) {
    try (PreparedStatement s = connection.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      int width = rs.getMetaData().getColumnCount();
      List<String[]> rows = new ArrayList<>();
      while (rs.next()) {
        String[] row = new String[width];
        for (int i = 0; i < width; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot read rows: " + sql, e);
    }
  }
}
