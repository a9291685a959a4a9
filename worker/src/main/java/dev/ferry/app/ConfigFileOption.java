package dev.ferry.app;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.DatabaseSettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.pipeline.SchemaValidator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the commands, and loading it. */
final class ConfigFileOption {
  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The YAML config file.")
  Path file;

  /**
   * Loads and validates the file, and then the configuration of every Kafka client built from it
   * ({@link KafkaClientsCheck}) and the pipelines' JSON Schemas; on any problem prints them all to
   * {@code err} and returns empty (the command then exits with {@link ExitCodes#BAD_CONFIG}).
   * Touches no network.
   */
  Optional<FerryConfig> load(PrintWriter err) {
    try {
      FerryConfig config = ConfigLoader.withSystemEnvironment().load(file);
      List<String> problems = new ArrayList<>(KafkaClientsCheck.problems(config));
      problems.addAll(schemaProblems(config));
      if (!problems.isEmpty()) {
        throw new ConfigException(file.toString(), problems);
      }
      return Optional.of(config);
    } catch (ConfigException e) {
      return report(e, err);
    }
  }

  /**
   * Loads and validates only the {@code database} section, as {@link #load} does the whole file.
   */
  Optional<DatabaseSettings> loadDatabase(PrintWriter err) {
    try {
      return Optional.of(ConfigLoader.withSystemEnvironment().loadDatabase(file));
    } catch (ConfigException e) {
      return report(e, err);
    }
  }

  /**
   * The pipelines' JSON Schema files that do not compile; the loader only checks that they can be
   * read, and the worker compiles them late in its start, after Postgres and Kafka were contacted.
   */
  private static List<String> schemaProblems(FerryConfig config) {
    List<String> problems = new ArrayList<>();
    List<PipelineSettings> pipelines = config.pipelines();
    for (int i = 0; i < pipelines.size(); i++) {
      Optional<String> schema = pipelines.get(i).schema();
      if (schema.isPresent()) {
        try {
          SchemaValidator.load(Path.of(schema.get()));
        } catch (IllegalArgumentException e) {
          problems.add("pipelines[" + i + "].schema: " + e.getMessage());
        }
      }
    }
    return problems;
  }

  private static <T> Optional<T> report(ConfigException e, PrintWriter err) {
    err.println("ferry: " + e.getMessage());
    err.flush();
    return Optional.empty();
  }
}
