package dev.ferry.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.DatabaseSettings;
import dev.ferry.config.DatabaseTimeouts;
import dev.ferry.config.FerryConfig;
import java.time.Duration;

/**
 * HikariCP pools for Ferry's database: autocommit off, batched inserts rewritten into multi-row
 * statements, and every wait bounded by {@code database.*-timeout}: connection acquisition,
 * connecting and logging in, each socket read, and on every connection the server-side {@code
 * statement_timeout}, {@code lock_timeout} and {@code idle_in_transaction_session_timeout}. Used by
 * run, check and migrate. Parameters in the URL win over these.
 */
final class ConnectionPools {
  private ConnectionPools() {}

  /** A connection pool for {@code config.database} of {@code size} connections. */
  static HikariDataSource open(FerryConfig config, int size) throws StartupException {
    return open(config.database(), size);
  }

  /** A connection pool for {@code database} of {@code size} connections. */
  static HikariDataSource open(DatabaseSettings database, int size) throws StartupException {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hikariConfig(database, size));
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot connect to Postgres at "
              + FerryConfig.maskUrlSecrets(database.url())
              + ": "
              + FerryWorker.rootMessage(e),
          e);
    }
    return pool;
  }

  /** The pool's settings, without connecting; read back by tests. */
  static HikariConfig hikariConfig(DatabaseSettings database, int size) {
    DatabaseTimeouts t = database.timeouts();
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("ferry-db");
    hikari.setJdbcUrl(database.url());
    if (!database.username().isEmpty()) {
      hikari.setUsername(database.username());
    }
    if (!database.password().isEmpty()) {
      hikari.setPassword(database.password().value());
    }
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(Math.min(2, size));
    hikari.setAutoCommit(false);
    hikari.setConnectionTimeout(t.acquire().toMillis());
    // Checking a borrowed connection must end well before the borrower gives up.
    hikari.setValidationTimeout(Math.max(250, Math.min(5_000, t.acquire().toMillis() / 2)));
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    hikari.addDataSourceProperty("connectTimeout", seconds(t.connect()));
    hikari.addDataSourceProperty("loginTimeout", seconds(t.connect()));
    hikari.addDataSourceProperty("socketTimeout", seconds(t.socket()));
    hikari.addDataSourceProperty("tcpKeepAlive", "true");
    if (!database.url().contains("ApplicationName=")) {
      hikari.addDataSourceProperty("ApplicationName", "ferry");
    }
    hikari.setConnectionInitSql(sessionSettings(t));
    // SET is transactional and the pool runs without auto-commit: without this, Hikari leaves the
    // setup's transaction open, so the connection waits in the pool idle inside a transaction and
    // the first rollback of a failed batch undoes every timeout above. Isolated, Hikari commits
    // the setup (and ends its other internal queries) before it hands the connection out.
    hikari.setIsolateInternalQueries(true);
    return hikari;
  }

  /**
   * The server-side bounds every connection starts with. A session idle inside a transaction for
   * longer than a transaction may take is one whose client vanished: the server ends it, which
   * releases its locks.
   */
  static String sessionSettings(DatabaseTimeouts t) {
    return "SET statement_timeout = "
        + t.statement().toMillis()
        + "; SET lock_timeout = "
        + t.lock().toMillis()
        + "; SET idle_in_transaction_session_timeout = "
        + t.transaction().toMillis();
  }

  /** PgJDBC takes whole seconds; a fraction rounds up, so that no bound becomes "none" (0). */
  private static String seconds(Duration d) {
    return Long.toString((d.toMillis() + 999) / 1000);
  }
}
