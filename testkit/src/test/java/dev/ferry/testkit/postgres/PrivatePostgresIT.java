package dev.ferry.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A private cluster runs with logical decoding, leaves the shared server's settings alone, and is
 * gone after close: what change-data-capture tests need from their source database.
 */
class PrivatePostgresIT {

  private static Connection connect(String url) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    return DriverManager.getConnection(url, p);
  }

  private static String one(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void runsWithLogicalDecodingOnAPortOfItsOwnAndIsRemovedOnClose() throws Exception {
    Path dataDir;
    try (PrivatePostgres pg = PrivatePostgres.start("max_replication_slots=4")) {
      assertThat(pg.port()).isNotEqualTo(5432);
      try (Connection c = connect(pg.jdbcUrl("postgres"));
          Statement s = c.createStatement()) {
        assertThat(one(s, "SHOW wal_level")).isEqualTo("logical");
        assertThat(one(s, "SHOW max_replication_slots")).isEqualTo("4");
        dataDir = Path.of(one(s, "SHOW data_directory"));
        // A pgoutput slot, as Debezium's PostgreSQL connector makes one.
        s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        s.execute("CREATE PUBLICATION p FOR TABLE t");
        assertThat(
                one(s, "SELECT slot_name FROM pg_create_logical_replication_slot('s', 'pgoutput')"))
            .isEqualTo("s");
        s.execute("SELECT pg_drop_replication_slot('s')");
      }
    }
    assertThat(Files.exists(dataDir)).as("data directory after close").isFalse();
  }
}
