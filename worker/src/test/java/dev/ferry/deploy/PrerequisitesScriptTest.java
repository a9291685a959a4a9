package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/test} starts with {@code scripts/prerequisites}: on a machine that lacks a tool it
 * must say so, with the install command, before any Maven run (which takes minutes). The script
 * runs here with a PATH that holds every tool but the ones left out, as stand-ins for the real
 * ones.
 */
class PrerequisitesScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "prerequisites").toAbsolutePath();
  private static final List<String> TOOLS =
      List.of("java", "mvn", "psql", "pg_isready", "curl", "python3", "node", "npm");

  private record Run(int exitCode, String output) {}

  private static Run run(Path bin) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("/bin/bash", SCRIPT.toString()).redirectErrorStream(true);
    pb.environment().put("PATH", bin.toString());
    Process p = pb.start();
    // Bounded so a hanging script fails the test instead of the build; not a timing assertion.
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("script finished").isTrue();
    return new Run(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** A bin directory of stand-ins that run the real tools of this machine's PATH. */
  private static Path bin(Path dir, List<String> tools) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : tools) {
      for (String entry : System.getenv("PATH").split(":")) {
        Path real = Path.of(entry, tool);
        if (Files.isExecutable(real)) {
          Path standIn = bin.resolve(tool);
          Files.writeString(standIn, "#!/bin/sh\nexec '" + real + "' \"$@\"\n");
          standIn.toFile().setExecutable(true);
          break;
        }
      }
    }
    return bin;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).distinct().toList();
  }

  @Test
  void aMissingToolIsNamedWithItsInstallCommandBeforeAnythingRuns(@TempDir Path dir)
      throws Exception {
    // Every tool but yamllint, promtool and prometheus.
    Run run = run(bin(dir, TOOLS));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output())
        .contains("yamllint is missing")
        .contains("promtool is missing")
        .contains("prometheus is missing")
        .containsPattern("apt-get install [a-z ]*prometheus")
        .containsPattern("apt-get install [a-z ]*yamllint");
  }

  @Test
  void nodeFromElsewhereIsNotReinstalledFromDebian(@TempDir Path dir) throws Exception {
    List<String> withoutNpm =
        concat(TOOLS, List.of("yamllint", "promtool", "prometheus")).stream()
            .filter(t -> !t.equals("npm"))
            .toList();
    Run run = run(bin(dir, withoutNpm));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.output()).contains("npm is missing").doesNotContain("nodejs");
  }
}
