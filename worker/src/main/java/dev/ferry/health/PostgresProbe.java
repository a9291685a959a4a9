package dev.ferry.health;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that Postgres answers, on its own thread ({@code ferry-db-probe}): a fresh connection (not
 * one from the pool, which may hold connections that only look alive) and {@code SELECT 1}, each
 * bounded by a few seconds. Sets the readiness reason {@code postgres-unreachable} while it fails,
 * so that even an idle worker turns not ready when its database is gone.
 */
public final class PostgresProbe implements AutoCloseable {
  public static final String UNREACHABLE = "postgres-unreachable";
  private static final Logger log = LoggerFactory.getLogger(PostgresProbe.class);

  private final String url;
  private final Properties properties = new Properties();
  private final Readiness readiness;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ferry-db-probe"));

  public PostgresProbe(String url, String user, String password, Readiness readiness) {
    this.url = url;
    this.readiness = readiness;
    if (!user.isEmpty()) {
      properties.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("socketTimeout", "3");
    properties.setProperty("loginTimeout", "3");
    properties.setProperty("ApplicationName", "ferry-probe");
  }

  public void start(Duration interval) {
    thread.scheduleWithFixedDelay(
        this::probeOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void probeOnce() {
    boolean reachable;
    try (Connection c = new Driver().connect(url, properties);
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
      reachable = true;
    } catch (Exception e) {
      reachable = false;
      if (!readiness.has(UNREACHABLE)) {
        log.warn("Postgres does not answer: {}", e.getMessage());
      }
    }
    if (reachable && readiness.has(UNREACHABLE)) {
      log.info("Postgres answers again");
    }
    readiness.set(UNREACHABLE, !reachable);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("database probe did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
