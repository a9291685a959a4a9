package dev.ferry.testkit.cdc;

import dev.ferry.testkit.postgres.PrivatePostgres;
import dev.ferry.testkit.postgres.UncheckedSqlException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * The source side of a change-data-capture scenario: one connection to a database of a {@link
 * PrivatePostgres}, prepared for {@link TableComparison} ({@link TableComparison#prepare}), that
 * runs the scenario's SQL and writes markers.
 *
 * <p>A marker is a row inserted into {@link #MARKER_TABLE}; once its change event is on the marker
 * table's topic, Debezium has streamed every change committed before it ({@link
 * DebeziumConnect#awaitMarker}). Capture the marker table with the others to use markers.
 *
 * <p>Not thread-safe: one thread runs the scenario.
 */
public final class SourceDatabase implements AutoCloseable {
  /** The table markers go to; {@link #createMarkerTable} creates it. */
  public static final String MARKER_TABLE = "public.ferry_markers";

  private final Connection connection;
  private long markers;

  private SourceDatabase(Connection connection) {
    this.connection = connection;
  }

  /** Connects to {@code dbname} on {@code pg} as user {@code postgres}, auto-commit on. */
  public static SourceDatabase open(PrivatePostgres pg, String dbname) {
    Properties user = new Properties();
    user.setProperty("user", "postgres");
    try {
      Connection connection = DriverManager.getConnection(pg.jdbcUrl(dbname), user);
      TableComparison.prepare(connection);
      return new SourceDatabase(connection);
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot connect to " + pg.jdbcUrl(dbname), e);
    }
  }

  /** The connection, e.g. for {@link TableComparison#between}. */
  public Connection connection() {
    return connection;
  }

  /** Runs each statement on its own, in auto-commit. */
  public void execute(String... statements) {
    for (String sql : statements) {
      try (Statement s = connection.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new UncheckedSqlException("cannot execute: " + sql, e);
      }
    }
  }

  /** Runs the statements in one transaction: all of them commit, or none. */
  public void transaction(List<String> statements) {
    try {
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw new UncheckedSqlException("cannot run the transaction " + statements, e);
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot end the transaction " + statements, e);
    }
  }

  /** The first column of the first row as a long, e.g. {@code SELECT count(*) FROM items}. */
  public long queryLong(String sql) {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new IllegalStateException("no row from: " + sql);
      }
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot query: " + sql, e);
    }
  }

  /** Creates {@link #MARKER_TABLE}, before the connector starts. */
  public void createMarkerTable() {
    execute("CREATE TABLE " + MARKER_TABLE + " (id bigint PRIMARY KEY)");
  }

  /**
   * Inserts the next marker and returns its id, for {@link DebeziumConnect#awaitMarker}.
   *
   * @return the marker's id, 1, 2, … per database connection
   */
  public long mark() {
    long id = ++markers;
    execute("INSERT INTO " + MARKER_TABLE + " VALUES (" + id + ")");
    return id;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new UncheckedSqlException("cannot close the source connection", e);
    }
  }
}
