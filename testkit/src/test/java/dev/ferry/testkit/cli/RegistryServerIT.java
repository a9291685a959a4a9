package dev.ferry.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.registry.SchemaRegistration;
import java.io.File;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RegistryServer as scripts/bench runs it, in a JVM of its own: it prints the registry's URL once
 * it is ready, and stops the registry it started when its stdin ends.
 */
@Timeout(300)
class RegistryServerIT {

  @TempDir Path dir;
  private Process cli;

  @AfterEach
  void stopWhateverIsLeft() throws InterruptedException {
    if (cli != null && cli.isAlive()) {
      cli.destroy();
      cli.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void printsAWorkingUrlAndTheEndOfStdinStopsTheRegistry() throws Exception {
    Path out = dir.resolve("cli.out");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(absoluteClasspath());
    command.add(RegistryServer.class.getName());
    command.addAll(List.of("--work", dir.resolve("registry").toString()));
    cli =
        new ProcessBuilder(command)
            .directory(Path.of("").toAbsolutePath().toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> !cli.isAlive() || Files.readString(out).contains("url="));
    String url =
        Files.readAllLines(out).stream()
            .filter(line -> line.startsWith("url="))
            .map(line -> line.substring("url=".length()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no url= line in " + out));
    List<ProcessHandle> started = cli.toHandle().children().toList();
    assertThat(started).as("the registry JVM").hasSize(1);
    assertThat(
            SchemaRegistration.register(url, "t-value", "{\"type\":\"string\"}", "AVRO", List.of()))
        .isPositive();

    cli.getOutputStream().close();

    assertThat(cli.waitFor(90, TimeUnit.SECONDS)).as("stopped").isTrue();
    assertThat(cli.exitValue()).isZero();
    assertThat(started.get(0).isAlive()).as("the registry JVM").isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", URI.create(url).getPort()).close())
        .isInstanceOf(ConnectException.class);
  }

  private static String absoluteClasspath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
