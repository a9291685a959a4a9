package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The database timeouts of the config reach the pool and the driver. */
class ConnectionPoolsTest {
  private static FerryConfig config(String database) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database:
            """
                + database.indent(2)
                + """
            pipelines:
              - name: p
                topics: [t]
                table: t
                columns: {id: /id}
            """,
            "test.yaml");
  }

  @Test
  void everyDatabaseTimeoutReachesThePoolTheDriverAndTheSession() throws Exception {
    FerryConfig config =
        config(
            """
            url: jdbc:postgresql://db:5432/app
            connect-timeout: 4s
            acquire-timeout: 7s
            socket-timeout: 1500ms
            statement-timeout: 1s
            lock-timeout: 250ms
            transaction-timeout: 45s
            """);

    HikariConfig hikari = ConnectionPools.hikariConfig(config.database(), 3);

    assertThat(hikari.getConnectionTimeout()).isEqualTo(7_000);
    assertThat(hikari.getValidationTimeout()).isEqualTo(3_500);
    assertThat(hikari.getDataSourceProperties())
        .containsEntry("connectTimeout", "4")
        .containsEntry("loginTimeout", "4")
        .containsEntry("socketTimeout", "2") // whole seconds, rounded up
        .containsEntry("tcpKeepAlive", "true");
    assertThat(hikari.getConnectionInitSql())
        .isEqualTo(
            "SET statement_timeout = 1000; SET lock_timeout = 250;"
                + " SET idle_in_transaction_session_timeout = 45000");
  }

  @Test
  void withoutSettingsTheDefaultsApply() throws Exception {
    HikariConfig hikari =
        ConnectionPools.hikariConfig(config("url: jdbc:postgresql://db/app").database(), 8);

    assertThat(hikari.getConnectionTimeout()).isEqualTo(10_000);
    assertThat(hikari.getValidationTimeout()).isEqualTo(5_000);
    assertThat(hikari.getDataSourceProperties())
        .containsEntry("connectTimeout", "10")
        .containsEntry("socketTimeout", "60");
    assertThat(hikari.getConnectionInitSql())
        .isEqualTo(
            "SET statement_timeout = 30000; SET lock_timeout = 10000;"
                + " SET idle_in_transaction_session_timeout = 120000");
    assertThat(hikari.isAutoCommit()).isFalse();
    assertThat(hikari.getMaximumPoolSize()).isEqualTo(8);
  }
}
