package dev.ferry.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a YAML config file into a {@link FerryConfig}. It never touches the network: every problem
 * (missing keys, values out of range, malformed durations or JSON Pointers, unknown keys) is
 * collected and thrown together in one {@link ConfigException}.
 *
 * <p>Each top-level section has its reader ({@link KafkaReader}, {@link DatabaseReader}, {@link
 * WorkerReader}, {@link RetryReader}, {@link DeadLetterReader}, {@link HttpReader}, {@link
 * TracingReader}, {@link RegistryReader}, {@link PipelineReader}), which reads its keys through a
 * {@link Section} and adds a problem for each bad value; this class runs them in order and checks
 * what crosses sections.
 */
public final class ConfigLoader {
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
    DatabaseSettings database =
        DatabaseReader.read(config.top(problems, env).section("database"), 0);
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
    KafkaSettings kafka = KafkaReader.read(top.section("kafka"));
    WorkerSettings worker = WorkerReader.read(top.section("worker"));
    DatabaseSettings database = DatabaseReader.read(top.section("database"), worker.threads());
    RetrySettings retry = RetryReader.read(top.section("retry"));
    DeadLetterSettings deadLetter = DeadLetterReader.read(top.section("dead-letter"));
    HttpSettings http = HttpReader.read(top.section("http"));
    TracingSettings tracing = TracingReader.read(top.section("tracing"));
    Optional<RegistrySettings> registry = RegistryReader.read(top.section("registry"));
    List<PipelineSettings> pipelines = PipelineReader.readAll(top);
    DeadLetterReader.checkNotAnInput(deadLetter, pipelines, problems);
    RegistryReader.checkNeeded(registry, pipelines, problems);
    return new FerryConfig(
        kafka, database, worker, retry, deadLetter, http, tracing, registry, pipelines);
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
}
