package dev.ferry.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.FerryConfig;

/**
 * HikariCP pools for Ferry's database: autocommit off, batched inserts rewritten into multi-row
 * statements, connection acquisition bounded. Used by run, check and migrate.
 */
final class ConnectionPools {
  private ConnectionPools() {}

  /** A connection pool for {@code config.database} of {@code size} connections. */
  static HikariDataSource open(FerryConfig config, int size) throws StartupException {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("ferry-db");
    hikari.setJdbcUrl(config.database().url());
    if (!config.database().username().isEmpty()) {
      hikari.setUsername(config.database().username());
    }
    if (!config.database().password().isEmpty()) {
      hikari.setPassword(config.database().password().value());
    }
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(Math.min(2, size));
    hikari.setConnectionTimeout(10_000);
    hikari.setAutoCommit(false);
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    if (!config.database().url().contains("ApplicationName=")) {
      hikari.addDataSourceProperty("ApplicationName", "ferry");
    }
    try {
      return new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StartupException(
          "cannot connect to Postgres at "
              + FerryConfig.maskUrlSecrets(config.database().url())
              + ": "
              + FerryWorker.rootMessage(e),
          e);
    }
  }
}
