package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server-side bounds (statement, lock and idle-in-transaction timeouts) hold on every pooled
 * connection for its whole life: they are committed when the connection is set up, so the first
 * rollback of a transaction on it does not undo them, and a connection waiting in the pool is not
 * left idle inside the setup's transaction (which the idle-in-transaction timeout would end).
 */
class SessionTimeoutsIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();
  private static final String APP = "ferry-session-timeouts-it";

  private static HikariDataSource pool() throws Exception {
    FerryConfig config =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database:
                  url: "%s"
                  username: "%s"
                  password: "%s"
                  statement-timeout: 7s
                  lock-timeout: 500ms
                  transaction-timeout: 45s
                pipelines:
                  - {name: p, topics: [t], table: t, columns: {id: /id}}
                """
                    .formatted(
                        PG.url() + (PG.url().contains("?") ? "&" : "?") + "ApplicationName=" + APP,
                        PG.user(),
                        PG.password()),
                "test.yaml");
    return ConnectionPools.open(config.database(), 1);
  }

  private static String show(Connection c, String setting) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void theTimeoutsOutliveARolledBackTransaction() throws Exception {
    try (HikariDataSource pool = pool()) {
      try (Connection c = pool.getConnection()) {
        c.rollback(); // what a failed batch does first
        assertThat(show(c, "lock_timeout")).isEqualTo("500ms");
        assertThat(show(c, "statement_timeout")).isEqualTo("7s");
        assertThat(show(c, "idle_in_transaction_session_timeout")).isEqualTo("45s");
        c.rollback();
      }
      // The same (only) connection, borrowed again after its transaction was rolled back.
      try (Connection c = pool.getConnection()) {
        assertThat(show(c, "lock_timeout")).isEqualTo("500ms");
        c.rollback();
      }
    }
  }

  @Test
  void aConnectionWaitingInThePoolIsNotInsideATransaction() throws Exception {
    // The pool opens its first connection before open() returns; nothing has borrowed it yet.
    try (HikariDataSource pool = pool();
        Connection observer = PG.connect();
        Statement s = observer.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE state = 'idle in transaction'), count(*)"
                    + " FROM pg_stat_activity WHERE application_name = '"
                    + APP
                    + "'")) {
      rs.next();
      assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isPositive();
      assertThat(rs.getLong(2)).as("pooled connections").isPositive();
      assertThat(rs.getLong(1)).as("pooled connections idle in a transaction").isZero();
    }
  }
}
