package dev.ferry.support;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the YAML config of a test worker for the events pipeline. */
public final class FerryYaml {
  private final String bootstrap;
  private final PostgresSchemaExtension pg;
  private final String topic;
  private String groupId = "ferry-it";
  private String table = "events";
  private String urlParameters = "";
  private int viaPort = -1;
  private String tombstones = "skip";
  private String mode = "insert";
  private String keyColumns = "[]";
  private String password;
  private int httpPort = 0;
  private String morePipelines = "";
  private boolean withEvents = true;
  private String schema;
  private final Map<String, String> breaker = new LinkedHashMap<>();
  private Map<String, String> columns =
      new LinkedHashMap<>(
          Map.of(
              "event_id", "/event_id",
              "user_id", "/user_id",
              "type", "/type",
              "amount", "/amount",
              "ts", "/ts",
              "attrs", "/attrs"));
  private final Map<String, String> worker = new LinkedHashMap<>();
  private final Map<String, String> clientProperties = new LinkedHashMap<>();
  private final Map<String, String> kafka = new LinkedHashMap<>();
  private final Map<String, String> database = new LinkedHashMap<>();
  private final Map<String, String> deadLetter = new LinkedHashMap<>();
  private final Map<String, String> retry = new LinkedHashMap<>();
  private final Map<String, String> tracing = new LinkedHashMap<>();

  private FerryYaml(String bootstrap, PostgresSchemaExtension pg, String topic) {
    this.bootstrap = bootstrap;
    this.pg = pg;
    this.topic = topic;
    worker.put("threads", "4");
    worker.put("batch-linger", "5ms");
    worker.put("drain-timeout", "20s");
    worker.put("commit-interval", "200ms");
  }

  /** Config of the events pipeline: {@code topic} into {@code <test schema>.events}. */
  public static FerryYaml events(String bootstrap, PostgresSchemaExtension pg, String topic) {
    return new FerryYaml(bootstrap, pg, topic);
  }

  public FerryYaml group(String groupId) {
    this.groupId = groupId;
    return this;
  }

  /** The target table in the test schema; {@code events} by default. */
  public FerryYaml table(String table) {
    this.table = table;
    return this;
  }

  /** Replaces the column map ({@code column -> JSON Pointer}). */
  public FerryYaml columns(Map<String, String> columns) {
    this.columns = new LinkedHashMap<>(columns);
    return this;
  }

  /** Appends {@code ?params} to the database URL, e.g. {@code ApplicationName=zombie}. */
  public FerryYaml urlParameters(String params) {
    this.urlParameters = params;
    return this;
  }

  /** The database password as it stands in the file, e.g. {@code ${FERRY_DB_PASSWORD}}. */
  public FerryYaml password(String text) {
    this.password = text;
    return this;
  }

  /** Validates values against the JSON Schema in this file. */
  public FerryYaml schema(java.nio.file.Path file) {
    this.schema = file.toString();
    return this;
  }

  public FerryYaml httpPort(int port) {
    this.httpPort = port;
    return this;
  }

  /** Upsert mode with these key columns. */
  public FerryYaml upsert(String... keyColumns) {
    this.mode = "upsert";
    this.keyColumns = "[" + String.join(", ", keyColumns) + "]";
    return this;
  }

  public FerryYaml tombstones(String policy) {
    this.tombstones = policy;
    return this;
  }

  public FerryYaml breaker(String key, Object value) {
    breaker.put(key, String.valueOf(value));
    return this;
  }

  /** Connects to the test database through {@code 127.0.0.1:port} (a proxy) instead. */
  public FerryYaml viaPort(int port) {
    this.viaPort = port;
    return this;
  }

  private String databaseUrl() {
    String url = pg.url();
    if (viaPort > 0) {
      url = url.replaceFirst("//[^/]+/", "//127.0.0.1:" + viaPort + "/");
    }
    return url + (urlParameters.isEmpty() ? "" : "?" + urlParameters);
  }

  /**
   * Appends more pipelines after the events one: YAML list entries ({@code - name: …}) indented by
   * two spaces, as under {@code pipelines:}.
   */
  public FerryYaml morePipelines(String yaml) {
    this.morePipelines = yaml.stripTrailing();
    return this;
  }

  /** Leaves the events pipeline out: only {@link #morePipelines} remain. */
  public FerryYaml withoutEventsPipeline() {
    this.withEvents = false;
    return this;
  }

  public FerryYaml worker(String key, Object value) {
    worker.put(key, String.valueOf(value));
    return this;
  }

  /** Another key of the {@code kafka} section, such as {@code request-timeout}. */
  public FerryYaml kafka(String key, Object value) {
    kafka.put(key, String.valueOf(value));
    return this;
  }

  /** Another key of the {@code database} section, such as {@code lock-timeout}. */
  public FerryYaml database(String key, Object value) {
    database.put(key, String.valueOf(value));
    return this;
  }

  /** Another key of the {@code retry} section, such as {@code later} or {@code sqlstates}. */
  public FerryYaml retry(String key, Object value) {
    retry.put(key, String.valueOf(value));
    return this;
  }

  /** Another key of the {@code dead-letter} section, such as {@code send-timeout}. */
  public FerryYaml deadLetter(String key, Object value) {
    deadLetter.put(key, String.valueOf(value));
    return this;
  }

  /**
   * Timeouts for a test whose sink is slow or blocked on purpose, long enough never to end a
   * statement or transaction of it.
   */
  public FerryYaml patientDatabase() {
    return database("statement-timeout", "10m")
        .database("socket-timeout", "11m")
        .database("lock-timeout", "10m")
        .database("transaction-timeout", "20m");
  }

  /** Tracing on, its spans exported to the named exporter (e.g. {@link MemorySpans#NAME}). */
  public FerryYaml tracedTo(String exporter) {
    return tracingProperty("otel.traces.exporter", exporter);
  }

  /** Tracing on, with this OpenTelemetry SDK property. */
  public FerryYaml tracingProperty(String key, String value) {
    tracing.put(key, value);
    return this;
  }

  public FerryYaml clientProperty(String key, Object value) {
    clientProperties.put(key, String.valueOf(value));
    return this;
  }

  public String text() {
    String props =
        clientProperties.isEmpty()
            ? "{}"
            : clientProperties.entrySet().stream()
                .map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    String workerLines =
        worker.entrySet().stream()
            .map(e -> "  " + e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("\n"));
    String breakerMap =
        breaker.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", ", "{", "}"));
    String columnLines =
        columns.entrySet().stream()
            .map(e -> "          " + e.getKey() + ": \"" + e.getValue() + "\"")
            .collect(Collectors.joining("\n"));
    String events =
        """
          - name: events
            topics: [%s]
            table: %s
            tombstones: %s%s
            mode: %s
            key-columns: %s
            columns:
        %s
        """
            .formatted(
                topic,
                pg.qualified(table),
                tombstones,
                schema == null ? "" : "\n    schema: \"" + schema + "\"",
                mode,
                keyColumns,
                columnLines);
    return """
        kafka:
          bootstrap-servers: %s
          group-id: %s
          client-properties: %s%s
        database:
          url: %s
          username: %s
          password: "%s"%s
        worker:
        %s
        retry:
          initial-backoff: 50ms
          max-backoff: 2s%s
        dead-letter:
          breaker: %s%s
        http:
          bind-address: 127.0.0.1
          port: %d%s
        pipelines:
        %s%s
        """
        .formatted(
            bootstrap,
            groupId,
            props,
            moreLines(kafka),
            databaseUrl(),
            pg.user(),
            password != null ? password : pg.password(),
            moreLines(database),
            workerLines,
            moreLines(retry),
            breakerMap,
            moreLines(deadLetter),
            httpPort,
            tracing.isEmpty()
                ? ""
                : "\ntracing:\n  enabled: true\n  properties: "
                    + tracing.entrySet().stream()
                        .map(e -> quoted(e.getKey()) + ": " + quoted(e.getValue()))
                        .collect(Collectors.joining(", ", "{", "}")),
            withEvents ? events : "",
            morePipelines);
  }

  /** Extra {@code key: value} lines of a section, each on its own line. */
  private static String moreLines(Map<String, String> keys) {
    return keys.entrySet().stream()
        .map(e -> "\n  " + e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining());
  }

  /** A YAML double-quoted scalar, so a value such as a JAAS line may hold quotes. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public FerryConfig load() throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(text(), "test config");
  }
}
