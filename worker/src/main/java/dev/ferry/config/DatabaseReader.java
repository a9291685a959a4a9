package dev.ferry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@code database} section: the Postgres URL and credentials (the password inline or from
 * a secret file, never both), the pool size, the timeouts and the metadata refresh.
 */
final class DatabaseReader {
  private DatabaseReader() {}

  /**
   * @param workerThreads {@code worker.threads}, which the pool must serve; 0 when not read
   */
  static DatabaseSettings read(Section s, int workerThreads) {
    String url = s.requiredString("url");
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      s.problem(s.key("url"), "must start with jdbc:postgresql:, was '" + url + "'");
    }
    String username = s.string("username", "");
    Secret password = password(s);
    int threads =
        workerThreads > 0
            ? workerThreads
            : WorkerSettings.defaultThreads(Runtime.getRuntime().availableProcessors());
    int poolSize = s.integer("pool-size", WorkerSettings.defaultPoolSize(threads), 1, 1000);
    if (poolSize < workerThreads && workerThreads > 0) {
      s.problem(
          s.key("pool-size"),
          "must be ≥ worker.threads ("
              + workerThreads
              + ") so that every worker can hold a connection, was "
              + poolSize);
    }
    DatabaseTimeouts timeouts = timeouts(s);
    Duration metadataRefresh = metadataRefreshInterval(s);
    s.rejectUnknownKeys();
    return new DatabaseSettings(url, username, password, poolSize, timeouts, metadataRefresh);
  }

  /** {@code database.password} or the content of {@code database.password-file}. */
  private static Secret password(Section s) {
    Optional<String> inline = s.optionalString("password");
    Optional<Path> file = s.optionalPath("password-file");
    if (inline.isPresent() && file.isPresent()) {
      s.problem(s.key("password-file"), "and database.password are both set; keep one");
    } else if (file.isPresent()) {
      return new Secret(secretFile(s, "password-file", file.get()));
    }
    return new Secret(inline.orElse(""));
  }

  /** {@code database.metadata-refresh-interval}: {@code 0s} (off), or at least a second. */
  private static Duration metadataRefreshInterval(Section s) {
    Duration interval =
        s.duration("metadata-refresh-interval", Duration.ofMinutes(5), Duration.ZERO);
    if (!interval.isZero() && interval.compareTo(Duration.ofSeconds(1)) < 0) {
      s.problem(
          s.key("metadata-refresh-interval"),
          "must be 0s (off) or ≥ 1s, was " + Durations.format(interval));
    }
    return interval;
  }

  private static DatabaseTimeouts timeouts(Section s) {
    DatabaseTimeouts defaults = DatabaseTimeouts.DEFAULTS;
    Duration second = Duration.ofSeconds(1);
    DatabaseTimeouts t =
        new DatabaseTimeouts(
            s.duration("connect-timeout", defaults.connect(), second),
            s.duration("acquire-timeout", defaults.acquire(), second),
            s.duration("socket-timeout", defaults.socket(), second),
            s.duration("statement-timeout", defaults.statement(), Duration.ofMillis(1)),
            s.duration("lock-timeout", defaults.lock(), Duration.ofMillis(1)),
            s.duration("transaction-timeout", defaults.transaction(), second));
    if (t.socket().compareTo(t.statement()) <= 0) {
      s.problem(
          s.key("socket-timeout"),
          "must be longer than database.statement-timeout ("
              + Durations.format(t.statement())
              + ") so that Postgres cancels a slow statement before Ferry gives up on the"
              + " connection, was "
              + Durations.format(t.socket()));
    }
    if (t.transaction().compareTo(t.statement()) < 0) {
      s.problem(
          s.key("transaction-timeout"),
          "must be ≥ database.statement-timeout ("
              + Durations.format(t.statement())
              + "), was "
              + Durations.format(t.transaction()));
    }
    return t;
  }

  /**
   * The content of a secret file (a Kubernetes or Docker secret), without the trailing line break
   * editors and {@code echo} add; a problem when it cannot be read or is empty.
   */
  static String secretFile(Section s, String name, Path file) {
    try {
      String text = Files.readString(file).replaceFirst("\\r?\\n$", "");
      if (text.isEmpty()) {
        s.problem(s.key(name), "file '" + file + "' is empty");
      }
      return text;
    } catch (IOException | RuntimeException e) {
      s.problem(s.key(name), "file '" + file + "' cannot be read: " + e.getMessage());
      return "";
    }
  }
}
