package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One duration format in what operators read: every duration that reaches a log line or a message
 * is written as the config writes it ({@code 30s}, {@code 250ms}) by {@link Durations#format},
 * never as ISO-8601 ({@code PT30S}, what a {@code Duration} prints by itself) nor as a bare number
 * with a unit of its own ({@code 30000 ms}). Checked over the worker's sources: a log argument that
 * is a {@code Duration} (a field, parameter, method or record component declared as one) must go
 * through {@code Durations.format} (a name counts as a Duration in the file that declares it one),
 * and no message converts a duration to a count of units.
 */
class DurationsInLogsTest {
  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final Pattern LOG_CALL =
      Pattern.compile("\\blog\\.(trace|debug|info|warn|error)\\(");
  private static final Pattern DURATION_DECLARATION =
      Pattern.compile("\\bDuration\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*[,)(=;]");
  private static final Pattern LAST_NAME =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(\\(\\s*\\))?\\s*$");
  private static final Pattern UNIT_AFTER_PLACEHOLDER =
      Pattern.compile("\\{}\\s*(ms|s|sec|secs|seconds|millis|milliseconds)\\b");
  private static final Pattern UNIT_CONCATENATED =
      Pattern.compile("\\.to(Millis|Seconds|Nanos)\\(\\)\\s*\\+\\s*\"\\s*(ms|s|seconds|ns)\\b");

  @Test
  void everyDurationInALogLineOrMessageIsInTheConfigFormat() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    Set<String> allDurations = new HashSet<>();
    List<String> offenders = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file);
      // Names declared as a Duration in this file: a name is a Duration only where it is declared
      // one (an int "attempt" elsewhere is not).
      Set<String> durations = new HashSet<>();
      Matcher declared = DURATION_DECLARATION.matcher(text);
      while (declared.find()) {
        durations.add(declared.group(1));
      }
      allDurations.addAll(durations);
      Matcher concatenated = UNIT_CONCATENATED.matcher(text);
      while (concatenated.find()) {
        offenders.add(file.getFileName() + ": " + concatenated.group());
      }
      Matcher call = LOG_CALL.matcher(text);
      while (call.find()) {
        List<String> args = arguments(text, call.end());
        if (UNIT_AFTER_PLACEHOLDER.matcher(args.get(0)).find()) {
          offenders.add(file.getFileName() + ": a unit after a placeholder: " + args.get(0));
        }
        for (String arg : args.subList(1, args.size())) {
          if (arg.startsWith("Durations.format(")) {
            continue;
          }
          Matcher name = LAST_NAME.matcher(arg);
          if (arg.matches("(?s).*\\.to(Millis|Seconds|Nanos)\\(\\).*")
              || (name.find() && durations.contains(name.group(1)))) {
            offenders.add(file.getFileName() + ": a Duration logged as is: " + arg);
          }
        }
      }
    }

    assertThat(allDurations).contains("drainTimeout", "timeout", "sendTimeout");
    assertThat(offenders).isEmpty();
  }

  @Test
  void theEffectiveConfigShowsDurationsInTheConfigFormat() throws Exception {
    String yaml =
        """
        kafka: {bootstrap-servers: "k:9092", api-timeout: 90s}
        database: {url: "jdbc:postgresql://h/d", transaction-timeout: 90m}
        worker: {batch-linger: 1500ms, drain-timeout: 2h}
        pipelines:
          - {name: p, topics: [t], table: t, columns: {a: /a}}
        """;

    String text = ConfigLoader.withEnvironment(java.util.Map.of()).parse(yaml, "t.yaml").describe();

    assertThat(text)
        .contains(
            "api-timeout=90s",
            "transaction-timeout=90m",
            "batch-linger=1500ms",
            "drain-timeout=2h",
            "send-timeout=30s")
        .doesNotContainPattern("PT[0-9]");
  }

  /** The top-level arguments of the call whose '(' ends at {@code from}, trimmed. */
  private static List<String> arguments(String text, int from) {
    List<String> args = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        int end = i + 1;
        while (text.charAt(end) != '"') {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        current.append(text, i, end + 1);
        i = end;
        continue;
      }
      if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        if (depth == 0) {
          args.add(current.toString().trim());
          return args;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        args.add(current.toString().trim());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    throw new IllegalStateException("unbalanced log call at " + from);
  }
}
