package dev.ferry.testkit.postgres;

import dev.ferry.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own, for tests that need server settings the shared server at
 * 127.0.0.1:5432 must keep (logical decoding for change data capture: {@code wal_level=logical}).
 * {@link #start} runs {@code initdb} and {@code pg_ctl start} from the newest {@code
 * /usr/lib/postgresql/VERSION/bin} on a free loopback port, with trust authentication for user
 * {@code postgres}; {@link #close} stops it ({@code pg_ctl -m fast}) and deletes its data
 * directory. PostgreSQL refuses to run as root, so when the JVM is root the tools run as the OS
 * user {@code postgres} (through {@code runuser}), which then owns the data directory. Start-up
 * takes about a second.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
  private static final long TOOL_TIMEOUT_SECONDS = 60;

  private final Path bin;
  private final Path dataDir;
  private final int port;

  private PrivatePostgres(Path bin, Path dataDir, int port) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
  }

  /**
   * Creates and starts a cluster with {@code wal_level=logical}.
   *
   * @param settings more server settings, each {@code name=value} (passed as {@code -c})
   */
  public static PrivatePostgres start(String... settings) {
    Path bin = newestBin();
    try {
      Path dataDir = Files.createTempDirectory("ferry-pg-");
      PrivatePostgres pg = new PrivatePostgres(bin, dataDir, FreePorts.pick());
      pg.ownDataDir();
      pg.run("initdb", "-D", dataDir.toString(), "-A", "trust", "-U", "postgres", "-E", "UTF8");
      List<String> options = new ArrayList<>();
      options.add("-p " + pg.port);
      options.add("-c wal_level=logical");
      options.add("-c listen_addresses=127.0.0.1");
      options.add("-c unix_socket_directories=" + dataDir);
      for (String setting : settings) {
        options.add("-c " + setting);
      }
      pg.run(
          "pg_ctl",
          "-D",
          dataDir.toString(),
          "-o",
          String.join(" ", options),
          "-l",
          dataDir.resolve("server.log").toString(),
          "-w",
          "start");
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a private PostgreSQL cluster", e);
    }
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** A JDBC URL of {@code database} on this cluster (user {@code postgres}, no password). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    try {
      run("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private void ownDataDir() throws IOException {
    if (isRoot()) {
      exec(List.of("chown", "postgres:postgres", dataDir.toString()));
    }
  }

  private void run(String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    exec(command);
  }

  private static void exec(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      boolean ended = p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ended) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end:\n" + output);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static Path newestBin() {
    try (Stream<Path> versions = Files.list(VERSIONS)) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin").resolve("initdb")))
          .max(Comparator.comparingInt(PrivatePostgres::majorVersion))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException("no initdb under " + VERSIONS));
    } catch (IOException e) {
      throw new UncheckedIOException("no PostgreSQL server binaries under " + VERSIONS, e);
    }
  }

  private static int majorVersion(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
