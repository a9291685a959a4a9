package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/configuration.md} documents exactly the settings the loader reads: a new key without
 * a line in the reference, or a documented key the loader no longer knows, fails here. Its YAML
 * examples load as written, and the settings of many topics (issue 20) each have one.
 */
class ConfigurationDocsTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final List<String> SECTIONS =
      List.of(
          "kafka",
          "database",
          "worker",
          "retry",
          "dead-letter",
          "http",
          "tracing",
          "registry",
          "pipelines");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z.-]+)` \\|");

  /** A {@code schema:} file an example names, relative to the config. */
  private static final Pattern SCHEMA_FILE =
      Pattern.compile("(?m)^\\s*-?\\s*schema: \"?([^\"\\s#]+)");

  /** An {@code admin-token-file:} an example names, relative to the config. */
  private static final Pattern TOKEN_FILE =
      Pattern.compile("(?m)^\\s*admin-token-file: \"?([^\"\\s#]+)");

  @Test
  void everySettingIsDocumentedAndEveryDocumentedSettingExists() throws Exception {
    Set<String> read = new TreeSet<>(ConfigLoader.keysRead("pipelines: [{}]"));
    read.removeIf(
        k ->
            read.stream()
                .anyMatch(other -> other.startsWith(k + ".") || other.startsWith(k + "[]")));

    assertThat(documented()).isEqualTo(read);
  }

  /**
   * Every YAML example of the reference loads as it is written, given the sections it leaves out (a
   * {@code kafka} and {@code database} to connect to, a {@code registry} for Avro) and the schema
   * files it names.
   */
  @Test
  void everyExampleLoads(@TempDir Path dir) throws Exception {
    List<String> examples = yamlExamples();
    assertThat(examples).as("```yaml blocks in %s", DOC).hasSizeGreaterThanOrEqualTo(7);
    for (String example : examples) {
      Matcher file = SCHEMA_FILE.matcher(example);
      while (file.find()) {
        Path schema = dir.resolve(file.group(1));
        Files.createDirectories(schema.getParent());
        Files.writeString(schema, "{\"type\": \"object\", \"properties\": {}}");
      }
      Matcher token = TOKEN_FILE.matcher(example);
      while (token.find()) {
        Path tokenFile = dir.resolve(token.group(1));
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "0123456789abcdef0123456789abcdef\n");
      }
      Path config = Files.writeString(dir.resolve("ferry.yaml"), completed(example));
      assertThatCode(() -> ConfigLoader.withEnvironment(Map.of()).load(config))
          .as("the example\n%s", example)
          .doesNotThrowAnyException();
    }
  }

  /** Each setting of issue 20 is shown in at least one example, not only described. */
  @Test
  void everySettingOfManyTopicsHasAnExample() throws Exception {
    String examples = String.join("\n", yamlExamples());
    for (String key :
        List.of(
            "topic-refresh-interval:",
            "topic-pattern:",
            "tables-allowed:",
            "columns-by-name:",
            "unknown-fields:",
            "auto-create:",
            "evolve:",
            "column-formats:")) {
      assertThat(examples).as("an example with %s", key).contains(key);
    }
    assertThat(examples)
        .as("table templates with each kind of placeholder")
        .contains("{topic}")
        .contains("{1}")
        .contains("{header:")
        .contains("{field:/");
  }

  /** The text of every {@code ```yaml} block, in order. */
  private static List<String> yamlExamples() throws Exception {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(DOC)) {
      if (block == null && line.equals("```yaml")) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  /** {@code example} with the sections a loadable config needs and the example does not show. */
  private static String completed(String example) {
    StringBuilder config = new StringBuilder();
    if (!example.startsWith("kafka:") && !example.contains("\nkafka:")) {
      config.append("kafka: {bootstrap-servers: \"kafka:9092\"}\n");
    }
    if (!example.contains("database:")) {
      config.append("database: {url: \"jdbc:postgresql://db/app\"}\n");
    }
    if (example.contains("format: avro") && !example.contains("registry:")) {
      config.append("registry: {url: \"http://registry:8081\"}\n");
    }
    config.append(example);
    if (!example.contains("pipelines:")) {
      config.append("\npipelines: [{name: events, topics: [events], table: public.events}]\n");
    }
    return config.toString();
  }

  private static Set<String> documented() throws Exception {
    Set<String> keys = new TreeSet<>();
    String section = null;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("## ")) {
        String heading = line.substring(3).trim();
        section = SECTIONS.contains(heading) ? heading : null;
        continue;
      }
      if (line.startsWith("### ")) {
        section = null; // a subsection explains; its tables are not settings
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (section != null && m.find()) {
        keys.add((section.equals("pipelines") ? "pipelines[]" : section) + "." + m.group(1));
      }
    }
    return keys;
  }
}
