package dev.ferry.testkit.kafka;

import static dev.ferry.testkit.kafka.TestClients.consume;
import static dev.ferry.testkit.kafka.TestClients.isAlive;
import static dev.ferry.testkit.kafka.TestClients.produce;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-local end to end: the launcher runs as its own JVM and exits, and the broker it started
 * keeps serving until {@code stop}. TMPDIR points into a temporary directory, so nothing lands in
 * the real /tmp.
 */
class KafkaLocalIT {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private KafkaLocal cli;
  private int port;

  @AfterEach
  void stopWhateverIsLeft() {
    if (cli != null) {
      cli.run("stop", "--port", Integer.toString(port));
    }
  }

  @Test
  void theBrokerOutlivesTheLauncherAndIsFoundByItsPort() throws Exception {
    port = FreePorts.pick();
    cli =
        new KafkaLocal(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err,
            Map.of("TMPDIR", tmp.toString()));
    Path dir = tmp.resolve("custom-dir");

    Process launcher = launch("start", "--port", Integer.toString(port), "--dir", dir.toString());
    assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).as("launcher exited").isTrue();
    String printed = Files.readString(tmp.resolve("launcher.out"));
    assertThat(launcher.exitValue()).as(printed).isZero();
    KafkaLocalState state = KafkaLocalState.read(dir).orElseThrow();
    assertThat(printed)
        .contains(
            "kafka-local: started on 127.0.0.1:"
                + port
                + " (pid "
                + state.pid()
                + ", data "
                + dir
                + ")");

    // The launcher is gone; the broker is not, and status finds it by port alone.
    assertThat(cli.run("status", "--port", Integer.toString(port))).isEqualTo(KafkaLocal.OK);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1:" + port + "\n");
    produce("127.0.0.1:" + port, "still-here", List.of("v"));
    assertThat(consume("127.0.0.1:" + port, "still-here", 1, 1)).containsExactly("v");

    assertThat(cli.run("start", "--port", Integer.toString(port))).isEqualTo(KafkaLocal.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("already running on 127.0.0.1:" + port + " (pid " + state.pid());

    assertThat(cli.run("stop", "--port", Integer.toString(port))).isEqualTo(KafkaLocal.OK);
    assertThat(isAlive(state.pid())).isFalse();
    assertThat(TestClients.accepts(port)).isFalse();
    assertThat(dir).doesNotExist();
    assertThat(cli.pointerFile(port)).doesNotExist();
    assertThat(cli.run("status", "--port", Integer.toString(port)))
        .isEqualTo(KafkaLocal.NOT_RUNNING);
  }

  /** Runs kafka-local in a JVM of its own, as scripts/kafka-local does. */
  private Process launch(String... args) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(ChildJvm.command(List.of(), KafkaLocal.class.getName(), List.of(args)))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("launcher.out").toFile());
    builder.environment().put("TMPDIR", tmp.toString());
    return builder.start();
  }
}
