package dev.ferry.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML config file into a {@link FerryConfig}. It never touches the network: every problem
 * (missing keys, values out of range, malformed durations or JSON Pointers, unknown keys) is
 * collected and thrown together in one {@link ConfigException}.
 */
public final class ConfigLoader {
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern PIPELINE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final EnvSubstitution env;

  private ConfigLoader(EnvSubstitution env) {
    this.env = env;
  }

  /** A loader that substitutes {@code ${VAR}} from the process environment. */
  public static ConfigLoader withSystemEnvironment() {
    return new ConfigLoader(EnvSubstitution.fromSystem());
  }

  /** A loader that substitutes {@code ${VAR}} from {@code environment}; for tests. */
  public static ConfigLoader withEnvironment(Map<String, String> environment) {
    return new ConfigLoader(new EnvSubstitution(environment::get));
  }

  public FerryConfig load(Path file) throws ConfigException {
    return parse(ConfigFile.read(file));
  }

  /**
   * Reads and validates only the {@code database} section of {@code file}, for {@code ferry
   * migrate}: the other sections may be absent and are neither read nor checked. Touches no
   * network.
   */
  public DatabaseSettings loadDatabase(Path file) throws ConfigException {
    ConfigFile config = ConfigFile.read(file);
    List<String> problems = new ArrayList<>();
    // worker.threads is not read: the pool-size rule only matters to run.
    DatabaseSettings database = database(config.top(problems, env).section("database"), 0);
    config.throwIfAny(problems, "database");
    return database;
  }

  /**
   * The full path of every setting the loader reads ({@code pipelines[].table}), found by loading
   * {@code yaml}; maps like {@code columns} count as one setting. For the test that keeps {@code
   * docs/configuration.md} complete.
   */
  static Set<String> keysRead(String yaml) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    Section top = new Section("", root, new ArrayList<>(), new EnvSubstitution(name -> null));
    readAll(top, new ArrayList<>());
    return top.keysRead();
  }

  /** Parses a config whose relative paths resolve against the working directory. */
  public FerryConfig parse(String yaml, String source) throws ConfigException {
    return parse(ConfigFile.parse(yaml, source, Path.of("").toAbsolutePath()));
  }

  private FerryConfig parse(ConfigFile file) throws ConfigException {
    List<String> problems = new ArrayList<>();
    Section top = file.top(problems, env);
    if (file.isEmpty()) {
      problems.add("the file is empty");
    }
    FerryConfig config = readAll(top, problems);
    top.rejectUnknownKeys();
    file.throwIfAny(problems, "");
    return config;
  }

  private static FerryConfig readAll(Section top, List<String> problems) {
    KafkaSettings kafka = kafka(top.section("kafka"));
    WorkerSettings worker = worker(top.section("worker"));
    DatabaseSettings database = database(top.section("database"), worker.threads());
    RetrySettings retry = retry(top.section("retry"));
    DeadLetterSettings deadLetter = deadLetter(top.section("dead-letter"));
    HttpSettings http = http(top.section("http"));
    TracingSettings tracing = tracing(top.section("tracing"));
    List<PipelineSettings> pipelines = pipelines(top, problems);
    checkDeadLetterTopics(deadLetter, pipelines, problems);
    return new FerryConfig(kafka, database, worker, retry, deadLetter, http, tracing, pipelines);
  }

  private static HttpSettings http(Section s) {
    String bindAddress = s.string("bind-address", HttpSettings.ANY_ADDRESS);
    if (!isAddressOrHostName(bindAddress)) {
      s.problem(
          s.key("bind-address"),
          "must be an IP address or a host name, such as 0.0.0.0, 127.0.0.1 or ::, was '"
              + bindAddress
              + "'");
    }
    HttpSettings http = new HttpSettings(bindAddress, s.integer("port", 9400, 0, 65535));
    s.rejectUnknownKeys();
    return http;
  }

  /**
   * Whether {@code text} reads as an IPv4 or IPv6 address or a host name; checked by its form only,
   * since loading the config never touches the network.
   */
  static boolean isAddressOrHostName(String text) {
    if (text.contains(":")) {
      return IPV6.matcher(text).matches();
    }
    return HOST_NAME.matcher(text).matches();
  }

  private static TracingSettings tracing(Section s) {
    boolean enabled = s.bool("enabled", false);
    String serviceName = s.string("service-name", "ferry");
    Map<String, String> properties = s.stringMap("properties");
    properties.keySet().stream()
        .filter(key -> !key.startsWith("otel."))
        .forEach(
            key ->
                s.problem(
                    s.key("properties." + key),
                    "is not an OpenTelemetry SDK property (they start with otel.)"));
    s.rejectUnknownKeys();
    return new TracingSettings(enabled, serviceName, properties);
  }

  private static KafkaSettings kafka(Section s) {
    String bootstrap = s.requiredString("bootstrap-servers");
    String groupId = s.string("group-id", "ferry");
    Map<String, String> clientProperties = s.stringMap("client-properties");
    for (String ours : List.of("enable.auto.commit", "group.id", "bootstrap.servers")) {
      if (clientProperties.containsKey(ours)) {
        s.problem(
            s.key("client-properties." + ours),
            "is set by Ferry itself and cannot be overridden here");
      }
    }
    Map<String, String> timeoutKeys =
        Map.of(
            "request.timeout.ms", "kafka.request-timeout",
            "default.api.timeout.ms", "kafka.api-timeout",
            "delivery.timeout.ms", "dead-letter.send-timeout");
    timeoutKeys.forEach(
        (property, setting) -> {
          if (clientProperties.containsKey(property)) {
            s.problem(
                s.key("client-properties." + property), "is set by " + setting + "; set it there");
          }
        });
    clientProperties.forEach(
        (name, value) ->
            KafkaClientConfigs.problem(name, value)
                .ifPresent(reason -> s.problem(s.key("client-properties." + name), reason)));
    KafkaTimeouts defaults = KafkaTimeouts.DEFAULTS;
    KafkaTimeouts timeouts =
        new KafkaTimeouts(
            s.duration("request-timeout", defaults.request(), Duration.ofSeconds(1)),
            s.duration("api-timeout", defaults.api(), Duration.ofSeconds(1)),
            s.duration("commit-timeout", defaults.commit(), Duration.ofMillis(100)));
    if (timeouts.api().compareTo(timeouts.request()) < 0) {
      // Kafka's clients refuse default.api.timeout.ms < request.timeout.ms when they are built.
      s.problem(
          s.key("api-timeout"),
          "must be ≥ kafka.request-timeout ("
              + Durations.format(timeouts.request())
              + "), was "
              + Durations.format(timeouts.api()));
    }
    s.rejectUnknownKeys();
    return new KafkaSettings(bootstrap, groupId, clientProperties, timeouts);
  }

  /**
   * @param workerThreads {@code worker.threads}, which the pool must serve; 0 when not read
   */
  private static DatabaseSettings database(Section s, int workerThreads) {
    String url = s.requiredString("url");
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      s.problem(s.key("url"), "must start with jdbc:postgresql:, was '" + url + "'");
    }
    String username = s.string("username", "");
    Optional<String> inline = s.optionalString("password");
    Optional<Path> file = s.optionalPath("password-file");
    Secret password = new Secret(inline.orElse(""));
    if (inline.isPresent() && file.isPresent()) {
      s.problem(s.key("password-file"), "and database.password are both set; keep one");
    } else if (file.isPresent()) {
      password = new Secret(secretFile(s, "password-file", file.get()));
    }
    int poolSize = s.integer("pool-size", Math.max(8, workerThreads), 1, 1000);
    if (poolSize < workerThreads && workerThreads > 0) {
      s.problem(
          s.key("pool-size"),
          "must be ≥ worker.threads ("
              + workerThreads
              + ") so that every worker can hold a connection, was "
              + poolSize);
    }
    DatabaseTimeouts timeouts = databaseTimeouts(s);
    Duration metadataRefresh = metadataRefreshInterval(s);
    s.rejectUnknownKeys();
    return new DatabaseSettings(url, username, password, poolSize, timeouts, metadataRefresh);
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

  private static DatabaseTimeouts databaseTimeouts(Section s) {
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
  private static String secretFile(Section s, String name, Path file) {
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

  private static WorkerSettings worker(Section s) {
    int threads = s.integer("threads", 8, 1, 1024);
    int capacity = s.integer("queue-capacity", 10_000, 1, 10_000_000);
    int batchSize = s.integer("batch-size", 500, 1, 100_000);
    Duration linger = s.duration("batch-linger", Duration.ofMillis(10), Duration.ZERO);
    Duration drain = s.duration("drain-timeout", Duration.ofSeconds(30), Duration.ofMillis(1));
    Duration commit = s.duration("commit-interval", Duration.ofSeconds(1), Duration.ofMillis(10));
    boolean exactlyOnce = s.bool("exactly-once", true);
    Optional<Path> pluginDir = s.optionalPath("plugin-dir");
    MemoryBudget memoryBudget = memoryBudget(s);
    pluginDir.ifPresent(
        dir -> {
          if (!Files.isDirectory(dir)) {
            s.problem(s.key("plugin-dir"), "'" + dir + "' is not a directory");
          }
        });
    s.rejectUnknownKeys();
    return new WorkerSettings(
        threads, capacity, batchSize, linger, drain, commit, exactlyOnce, pluginDir, memoryBudget);
  }

  /** {@code worker.memory-budget}: a size such as {@code 256MiB}, or a share of the heap. */
  private static MemoryBudget memoryBudget(Section s) {
    Optional<String> text = s.optionalString("memory-budget");
    if (text.isEmpty()) {
      return MemoryBudget.DEFAULT;
    }
    Optional<MemoryBudget> budget = MemoryBudget.parse(text.get());
    String key = s.key("memory-budget");
    if (budget.isEmpty()) {
      s.problem(
          key,
          "must be a size such as 256MiB, 1GiB or 500MB, or a share of the heap such as 25%, was '"
              + text.get()
              + "'");
      return MemoryBudget.DEFAULT;
    }
    MemoryBudget b = budget.get();
    if (b.bytes().isPresent() && b.bytes().get() < MemoryBudget.MIN_BYTES) {
      s.problem(key, "must be ≥ 1MiB, was " + text.get().trim());
    }
    if (b.bytes().isEmpty() && (b.heapPercent() < 1 || b.heapPercent() > 90)) {
      s.problem(key, "must be between 1% and 90% of the heap, was " + text.get().trim());
    }
    return b;
  }

  private static RetrySettings retry(Section s) {
    int attempts = s.integer("max-attempts", 5, 1, 1000);
    Duration initial = s.duration("initial-backoff", Duration.ofMillis(100), Duration.ofMillis(1));
    Duration max = s.duration("max-backoff", Duration.ofSeconds(30), Duration.ofMillis(1));
    if (max.compareTo(initial) < 0) {
      s.problem(
          s.key("max-backoff"),
          "must be ≥ retry.initial-backoff ("
              + Durations.format(initial)
              + "), was "
              + Durations.format(max));
    }
    s.rejectUnknownKeys();
    return new RetrySettings(attempts, initial, max);
  }

  private static DeadLetterSettings deadLetter(Section s) {
    String topic = s.string("topic", "{topic}.dlt");
    if (!TOPIC.matcher(topic.replace("{topic}", "t")).matches()) {
      s.problem(
          s.key("topic"),
          "must be a valid topic name (letters, digits, '.', '_', '-'; {topic} for the input"
              + " topic), was '"
              + topic
              + "'");
    }
    boolean stacktrace = s.bool("include-stacktrace", true);
    DeadLetterSettings.Breaker breaker = breaker(s.section("breaker"));
    Duration sendTimeout =
        s.duration("send-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1));
    s.rejectUnknownKeys();
    return new DeadLetterSettings(topic, stacktrace, breaker, sendTimeout);
  }

  private static DeadLetterSettings.Breaker breaker(Section s) {
    boolean enabled = s.bool("enabled", true);
    int window = s.integer("window", 1000, 10, 1_000_000);
    double maxShare = s.decimal("max-share", 0.5, 0.0, 1.0);
    int maxConsecutive = s.integer("max-consecutive", 200, 1, 1_000_000);
    s.rejectUnknownKeys();
    return new DeadLetterSettings.Breaker(enabled, window, maxShare, maxConsecutive);
  }

  private static List<PipelineSettings> pipelines(Section top, List<String> problems) {
    List<Section> sections = top.sections("pipelines");
    if (sections.isEmpty()) {
      top.problem("pipelines", "must list at least one pipeline");
    }
    List<PipelineSettings> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<String, String> topicOwners = new HashMap<>();
    for (Section s : sections) {
      PipelineSettings p = pipeline(s);
      if (!p.name().isEmpty() && !names.add(p.name())) {
        s.problem(s.key("name"), "'" + p.name() + "' is used by another pipeline too");
      }
      for (String topic : p.topics()) {
        String owner = topicOwners.putIfAbsent(topic, p.name());
        if (owner != null) {
          s.problem(
              s.key("topics"), "topic '" + topic + "' is already consumed by pipeline " + owner);
        }
      }
      s.rejectUnknownKeys();
      out.add(p);
    }
    return out;
  }

  private static PipelineSettings pipeline(Section s) {
    String name = s.requiredString("name");
    if (!name.isEmpty() && !PIPELINE_NAME.matcher(name).matches()) {
      s.problem(s.key("name"), "may hold letters, digits, '_' and '-' only, was '" + name + "'");
    }
    List<String> topics = s.stringList("topics");
    if (topics.isEmpty()) {
      s.problem(s.key("topics"), "must list at least one topic");
    }
    for (String topic : topics) {
      if (!TOPIC.matcher(topic).matches()) {
        s.problem(s.key("topics"), "'" + topic + "' is not a valid topic name");
      }
    }
    Optional<String> schema = s.optionalPath("schema").map(Path::toString);
    schema.ifPresent(
        file -> {
          if (!Files.isReadable(Path.of(file))) {
            s.problem(s.key("schema"), "file '" + file + "' does not exist or cannot be read");
          }
        });
    String tableText = s.requiredString("table");
    TableName table = TableName.parse(tableText).orElse(new TableName(Optional.empty(), "?"));
    if (!tableText.isEmpty() && TableName.parse(tableText).isEmpty()) {
      s.problem(
          s.key("table"),
          "must be a table name or schema.table made of letters, digits and '_', was '"
              + tableText
              + "'");
    }
    TargetSettings primary = target(s, table);
    PipelineSettings.Tombstones tombstones = tombstones(s);
    if (tombstones == PipelineSettings.Tombstones.DELETE && primary.keyColumns().isEmpty()) {
      s.problem(s.key("tombstones"), "delete needs key-columns: the columns the record key fills");
    }
    Optional<String> transform = s.optionalString("transform");
    Map<String, String> transformOptions = s.stringMap("transform-options");
    if (transform.isEmpty() && !transformOptions.isEmpty()) {
      s.problem(s.key("transform-options"), "is set but the pipeline names no transform");
    }
    List<TargetSettings> targets = new ArrayList<>();
    Set<TableName> tables = new HashSet<>(List.of(table));
    for (Section t : s.sections("targets")) {
      String targetText = t.requiredString("table");
      Optional<TableName> targetTable = TableName.parse(targetText);
      if (!targetText.isEmpty() && targetTable.isEmpty()) {
        t.problem(
            t.key("table"),
            "must be a table name or schema.table made of letters, digits and '_', was '"
                + targetText
                + "'");
      }
      TargetSettings target = target(t, targetTable.orElse(new TableName(Optional.empty(), "?")));
      if (targetTable.isPresent() && !tables.add(targetTable.get())) {
        t.problem(t.key("table"), "'" + targetText + "' is a target of this pipeline already");
      }
      t.rejectUnknownKeys();
      targets.add(target);
    }
    if (!targets.isEmpty() && transform.isEmpty()) {
      s.problem(s.key("targets"), "needs a transform: only a transform writes rows to more tables");
    }
    return new PipelineSettings(
        name, topics, schema, primary, tombstones, transform, transformOptions, targets);
  }

  /** A table's mode, key columns and column map, read from {@code s}. */
  private static TargetSettings target(Section s, TableName table) {
    PipelineSettings.Mode mode = mode(s);
    Map<String, ColumnSource> columns = columns(s);
    List<String> keyColumns = s.stringList("key-columns");
    if (mode == PipelineSettings.Mode.UPSERT && keyColumns.isEmpty()) {
      s.problem(s.key("key-columns"), "is required when mode is upsert");
    }
    for (String key : keyColumns) {
      if (!columns.containsKey(key)) {
        s.problem(s.key("key-columns"), "'" + key + "' is not one of the mapped columns");
      }
    }
    return new TargetSettings(table, mode, keyColumns, columns);
  }

  private static PipelineSettings.Mode mode(Section s) {
    String text = s.string("mode", "insert");
    try {
      return PipelineSettings.Mode.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      s.problem(s.key("mode"), "must be insert or upsert, was '" + text + "'");
      return PipelineSettings.Mode.INSERT;
    }
  }

  private static PipelineSettings.Tombstones tombstones(Section s) {
    String text = s.string("tombstones", "skip");
    try {
      return PipelineSettings.Tombstones.valueOf(
          text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      s.problem(s.key("tombstones"), "must be skip, delete or dead-letter, was '" + text + "'");
      return PipelineSettings.Tombstones.SKIP;
    }
  }

  private static Map<String, ColumnSource> columns(Section s) {
    Map<String, String> raw = s.stringMap("columns");
    if (raw.isEmpty()) {
      s.problem(s.key("columns"), "must map at least one column to a JSON Pointer or @source");
    }
    Map<String, ColumnSource> columns = new LinkedHashMap<>();
    raw.forEach(
        (column, source) -> {
          String key = s.key("columns." + column);
          if (!TableName.isIdentifier(column)) {
            s.problem(key, "is not a plain column name (letters, digits and '_')");
          }
          try {
            columns.put(column, ColumnSource.parse(source));
          } catch (IllegalArgumentException e) {
            s.problem(key, e.getMessage());
          }
        });
    return columns;
  }

  /**
   * Compiles an RFC 6901 pointer, rejecting what Jackson would accept leniently: a '~' not followed
   * by '0' or '1'.
   */
  static JsonPointer strictPointer(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '~'
          && (i + 1 == text.length() || (text.charAt(i + 1) != '0' && text.charAt(i + 1) != '1'))) {
        throw new IllegalArgumentException("invalid escape at index " + i);
      }
    }
    return JsonPointer.compile(text);
  }

  private static void checkDeadLetterTopics(
      DeadLetterSettings deadLetter, List<PipelineSettings> pipelines, List<String> problems) {
    Set<String> inputs = new HashSet<>();
    pipelines.forEach(p -> inputs.addAll(p.topics()));
    for (String input : inputs) {
      String dlt = deadLetter.topicFor(input);
      if (inputs.contains(dlt)) {
        problems.add(
            "dead-letter.topic resolves to '"
                + dlt
                + "' for input topic '"
                + input
                + "', which is itself an input topic: dead letters would be consumed again");
      }
    }
  }
}
