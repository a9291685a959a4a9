package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the settings the loader reads: a new key without
 * a line in the reference, or a documented key the loader no longer knows, fails here.
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

  @Test
  void everySettingIsDocumentedAndEveryDocumentedSettingExists() throws Exception {
    Set<String> read = new TreeSet<>(ConfigLoader.keysRead("pipelines: [{}]"));
    read.removeIf(
        k ->
            read.stream()
                .anyMatch(other -> other.startsWith(k + ".") || other.startsWith(k + "[]")));

    assertThat(documented()).isEqualTo(read);
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
