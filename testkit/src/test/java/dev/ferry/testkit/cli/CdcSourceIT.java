package dev.ferry.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CdcSource as scripts/demo-cdc runs it, in a JVM of its own: it prints the source's port, then
 * {@code ready} once Debezium streams, and stops the Connect JVM and the cluster it started when
 * its stdin ends or on SIGTERM.
 */
@Timeout(300)
class CdcSourceIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void changesReachTheTopicAndTheEndOfStdinStopsWhatItStarted() throws Exception {
    String prefix = KAFKA.uniqueTopic("shop");
    int port = startAndAwaitReady(prefix);
    List<ProcessHandle> started = cli.toHandle().children().toList();
    assertThat(started).as("the Connect JVM").isNotEmpty();

    Properties user = new Properties();
    user.setProperty("user", "postgres");
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", user);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO items VALUES (2, 'streamed')");
    }
    assertThat(ops(prefix + ".public.items", 2)).containsExactly("r", "c");

    cli.getOutputStream().close();

    assertThat(cli.waitFor(90, TimeUnit.SECONDS)).as("stopped").isTrue();
    assertThat(cli.exitValue()).isZero();
    assertStopped(started, port);
  }

  @Test
  void sigtermStopsWhatItStarted() throws Exception {
    int port = startAndAwaitReady(KAFKA.uniqueTopic("shop"));
    List<ProcessHandle> started = cli.toHandle().children().toList();

    cli.destroy(); // SIGTERM

    assertThat(cli.waitFor(90, TimeUnit.SECONDS)).as("stopped").isTrue();
    assertStopped(started, port);
  }

  private int startAndAwaitReady(String prefix) throws IOException {
    Path init =
        Files.writeString(
            dir.resolve("init.sql"),
            "CREATE TABLE items (id int PRIMARY KEY, name text);"
                + " INSERT INTO items VALUES (1, 'snapshot');");
    Path out = dir.resolve("cli.out");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dferry.cdc.classpath=" + cdcClasspath());
    command.add("-cp");
    command.add(absoluteClasspath());
    command.add(CdcSource.class.getName());
    command.addAll(
        List.of(
            "--bootstrap", KAFKA.bootstrapServers(),
            "--topic-prefix", prefix,
            "--table", "public.items",
            "--work", dir.resolve("connect").toString(),
            "--init-sql", init.toString()));
    cli =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    await()
        .atMost(Duration.ofSeconds(180))
        .until(() -> !cli.isAlive() || Files.readAllLines(out).contains("ready"));
    List<String> printed = Files.readAllLines(out);
    assertThat(printed).as("output").contains("ready");
    return printed.stream()
        .filter(line -> line.startsWith("port="))
        .map(line -> Integer.parseInt(line.substring("port=".length())))
        .findFirst()
        .orElseThrow();
  }

  private static void assertStopped(List<ProcessHandle> started, int port) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .as("the source cluster is down")
        .isInstanceOf(ConnectException.class);
  }

  private static List<String> ops(String topic, int count) {
    List<String> ops = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                topic + "-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                  ops.add(JSON.readTree(r.value()).path("payload").path("op").asText());
                }
                return ops.size() >= count;
              });
    }
    return ops;
  }

  private static String cdcClasspath() throws IOException {
    return Files.readString(Path.of("..", "cdc-runtime", "target", "classpath.txt")).trim();
  }

  /** This JVM's classpath with absolute entries (Surefire's manifest jar works in a child too). */
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
