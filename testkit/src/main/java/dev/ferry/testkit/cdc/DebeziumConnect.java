package dev.ferry.testkit.cdc;

import dev.ferry.testkit.FreePorts;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real change-data-capture source: Kafka Connect standalone running Debezium's PostgreSQL
 * connector ({@code pgoutput}) in a child JVM, from the classpath the {@code cdc-runtime} module
 * builds ({@code cdc-runtime/target/classpath.txt}, or the system property {@code
 * ferry.cdc.classpath}). It reads a {@link PrivatePostgres} and writes one topic per table, {@code
 * PREFIX.SCHEMA.TABLE}, with JSON keys and values, the Connect schema wrapper on or off. Offsets
 * live in a file under the work directory, so a restart on the same directory resumes without a
 * second snapshot. Each source gets its own replication slot and publication ({@link #slotName});
 * {@link #close} stops Connect (SIGTERM). A slot holds WAL until it is dropped: it goes with its
 * {@link PrivatePostgres} when that closes.
 */
public final class DebeziumConnect implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final AtomicLong SOURCES = new AtomicLong();

  /**
   * What to capture and how to write it.
   *
   * @param tables the captured tables, {@code schema.table}
   * @param connectorProperties more connector settings, which override the defaults (e.g. {@code
   *     decimal.handling.mode}); none by default
   */
  public record Source(
      PrivatePostgres database,
      String dbname,
      String topicPrefix,
      List<String> tables,
      Map<String, String> connectorProperties) {
    public Source {
      tables = List.copyOf(tables);
      connectorProperties = Map.copyOf(connectorProperties);
    }

    /** A source with Debezium's default settings. */
    public Source(
        PrivatePostgres database, String dbname, String topicPrefix, List<String> tables) {
      this(database, dbname, topicPrefix, tables, Map.of());
    }

    /** The topic of one captured table ({@code schema.table}): {@code PREFIX.schema.table}. */
    public String topic(String table) {
      return topicPrefix + "." + table;
    }
  }

  private final Process process;
  private final Path workDir;
  private final int restPort;
  private final String name;
  private final String bootstrapServers;
  private final Source source;

  private DebeziumConnect(
      Process process,
      Path workDir,
      int restPort,
      String name,
      String bootstrapServers,
      Source source) {
    this.process = process;
    this.workDir = workDir;
    this.restPort = restPort;
    this.name = name;
    this.bootstrapServers = bootstrapServers;
    this.source = source;
  }

  /**
   * Starts Connect with the connector and waits until its task runs.
   *
   * @param schemas whether keys and values carry the Connect schema wrapper ({@code
   *     schemas.enable})
   */
  public static DebeziumConnect start(
      Path workDir, String bootstrapServers, Source source, boolean schemas) {
    String name = "ferry-cdc-" + ProcessHandle.current().pid() + "-" + SOURCES.incrementAndGet();
    int restPort = FreePorts.pick();
    try {
      Files.createDirectories(workDir);
      Path worker =
          Files.writeString(
              workDir.resolve("worker.properties"),
              String.join(
                  "\n",
                  "bootstrap.servers=" + bootstrapServers,
                  "key.converter=org.apache.kafka.connect.json.JsonConverter",
                  "value.converter=org.apache.kafka.connect.json.JsonConverter",
                  "key.converter.schemas.enable=" + schemas,
                  "value.converter.schemas.enable=" + schemas,
                  "offset.storage.file.filename=" + workDir.resolve("offsets.dat"),
                  "offset.flush.interval.ms=500",
                  "listeners=http://127.0.0.1:" + restPort,
                  "plugin.discovery=service_load",
                  ""));
      Path connector =
          Files.writeString(
              workDir.resolve("connector.properties"), connectorProperties(name, source));
      Path log4j =
          Files.writeString(
              workDir.resolve("log4j2.properties"),
              String.join(
                  "\n",
                  "rootLogger.level=WARN",
                  "rootLogger.appenderRef.out.ref=out",
                  "appender.out.type=Console",
                  "appender.out.name=out",
                  "appender.out.layout.type=PatternLayout",
                  "appender.out.layout.pattern=%d %p %c{1} %m%n",
                  ""));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      command.add("-Dlog4j2.configurationFile=" + log4j);
      command.add("-cp");
      command.add(classpath());
      command.add("org.apache.kafka.connect.cli.ConnectStandalone");
      command.add(worker.toString());
      command.add(connector.toString());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("connect.log").toFile())
              .start();
      DebeziumConnect connect =
          new DebeziumConnect(process, workDir, restPort, name, bootstrapServers, source);
      try {
        connect.awaitRunning();
      } catch (RuntimeException e) {
        connect.close();
        throw e;
      }
      return connect;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka Connect with Debezium", e);
    }
  }

  /** The connector's settings: ours, then the source's own, which override ours. */
  private static String connectorProperties(String name, Source source) {
    return String.join(
        "\n",
        "name=" + name,
        "connector.class=io.debezium.connector.postgresql.PostgresConnector",
        "database.hostname=127.0.0.1",
        "database.port=" + source.database().port(),
        "database.user=postgres",
        "database.password=",
        "database.dbname=" + source.dbname(),
        "topic.prefix=" + source.topicPrefix(),
        "plugin.name=pgoutput",
        "slot.name=" + name.replace('-', '_'),
        "publication.name=" + name.replace('-', '_'),
        "publication.autocreate.mode=filtered",
        "table.include.list=" + String.join(",", source.tables()),
        "snapshot.mode=initial",
        // The default drops TRUNCATE events silently.
        "skipped.operations=none",
        more(source.connectorProperties()),
        "");
  }

  /** Connector settings as properties lines; a later line overrides an earlier one. */
  private static String more(Map<String, String> properties) {
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(properties).forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
    return lines.toString().stripTrailing();
  }

  private static String classpath() throws IOException {
    String given = System.getProperty("ferry.cdc.classpath");
    if (given != null && !given.isBlank()) {
      return given;
    }
    Path file = Path.of("..", "cdc-runtime", "target", "classpath.txt");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file.toAbsolutePath()
              + " is missing: build the cdc-runtime module first (mvn -pl"
              + " cdc-runtime generate-resources)");
    }
    return Files.readString(file).trim();
  }

  /** Waits until the connector's task reports RUNNING on the REST API; fails on FAILED. */
  private void awaitRunning() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest status =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + restPort + "/connectors/" + name + "/status"))
            .timeout(Duration.ofSeconds(5))
            .build();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Kafka Connect exited " + process.exitValue() + log());
      }
      try {
        HttpResponse<String> response = http.send(status, HttpResponse.BodyHandlers.ofString());
        last = response.body();
        if (last.contains("\"tasks\":[{") && last.contains("FAILED")) {
          throw new IllegalStateException("the Debezium connector failed: " + last + log());
        }
        if (last.contains("\"tasks\":[{\"id\":0,\"state\":\"RUNNING\"")) {
          return;
        }
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Kafka Connect starts", e);
      }
      try {
        process.waitFor(200, TimeUnit.MILLISECONDS); // a pause that ends early if Connect dies
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Kafka Connect starts", e);
      }
    }
    throw new IllegalStateException(
        "the Debezium connector did not run within " + START_TIMEOUT + ": " + last + log());
  }

  private String log() {
    try {
      return "\n" + Files.readString(workDir.resolve("connect.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** The topic of one captured table ({@code schema.table}). */
  public String topic(String table) {
    return source.topic(table);
  }

  /**
   * Waits until the topic of {@code table} holds at least {@code count} records (tombstones
   * included); see {@link ChangeTopics#awaitCount}.
   */
  public long awaitRecords(String table, long count, Duration timeout) {
    return ChangeTopics.awaitCount(bootstrapServers, topic(table), count, timeout);
  }

  /**
   * Waits until the marker {@code id} ({@link SourceDatabase#mark}) is on the marker table's topic:
   * then every change committed before the marker has been streamed. The source must capture {@link
   * SourceDatabase#MARKER_TABLE}.
   */
  public void awaitMarker(long id, Duration timeout) {
    ChangeTopics.awaitEvent(
        bootstrapServers,
        topic(SourceDatabase.MARKER_TABLE),
        event -> event.path("after").path("id").asLong(-1) == id,
        "for marker " + id,
        timeout);
  }

  /** The replication slot (and publication) this source uses. */
  public String slotName() {
    return name.replace('-', '_');
  }

  /** Stops Connect with SIGTERM (SIGKILL after 30 s); the caller drops the slot on its cluster. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
