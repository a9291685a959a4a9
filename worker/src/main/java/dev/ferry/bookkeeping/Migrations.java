package dev.ferry.bookkeeping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades Ferry's own schema {@code ferry} with versioned SQL migrations (classpath
 * {@code db/migration/V<n>__<description>.sql}), each applied once, in its own transaction, and
 * recorded in {@code ferry.schema_version}. A transaction-scoped advisory lock serializes replicas
 * that start at the same moment. Safe to run any number of times.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** Advisory lock key: "ferry" in ASCII. */
  private static final long LOCK_KEY = 0x6665727279L;

  /** Every migration, in order. A new one is appended here and never edited once released. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__exactly_once_bookkeeping.sql",
          "V2__topic_ids.sql",
          "V3__replay_audit.sql",
          "V4__replayed_origins.sql",
          "V5__source_positions.sql",
          "V6__pipeline_pauses.sql",
          "V7__rewind_audit.sql",
          "V8__pipeline_rate_limits.sql");

  private Migrations() {}

  /**
   * Applies the migrations the database does not have yet.
   *
   * @return the versions applied by this call (empty when the schema was current)
   */
  public static List<Integer> migrate(DataSource dataSource) throws SQLException {
    List<Integer> applied = new ArrayList<>();
    for (int i = 0; i < SCRIPTS.size(); i++) {
      int version = i + 1;
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
          s.execute("CREATE SCHEMA IF NOT EXISTS ferry");
          s.execute(
              "CREATE TABLE IF NOT EXISTS ferry.schema_version (version integer PRIMARY KEY,"
                  + " script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
          if (isApplied(c, version)) {
            c.commit();
            continue;
          }
          s.execute(load(SCRIPTS.get(i)));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO ferry.schema_version (version, script) VALUES (?, ?)")) {
            ps.setInt(1, version);
            ps.setString(2, SCRIPTS.get(i));
            ps.executeUpdate();
          }
          c.commit();
          applied.add(version);
          log.info("applied migration {} ({})", version, SCRIPTS.get(i));
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    }
    return applied;
  }

  /** The highest applied version, 0 when Ferry's schema does not exist. */
  public static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_regclass('ferry.schema_version') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return 0;
      }
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT coalesce(max(version), 0) FROM ferry.schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The version this build expects. */
  public static int latestVersion() {
    return SCRIPTS.size();
  }

  private static boolean isApplied(Connection c, int version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM ferry.schema_version WHERE version = ?")) {
      ps.setInt(1, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String load(String script) {
    String path = "/db/migration/" + script;
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + path, e);
    }
  }
}
