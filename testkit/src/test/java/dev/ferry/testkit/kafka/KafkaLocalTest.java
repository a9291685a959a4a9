package dev.ferry.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of kafka-local, without starting a broker. */
class KafkaLocalTest {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final KafkaLocal cli =
      new KafkaLocal(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          Map.of("TMPDIR", "/var/tmp/x"));

  @Test
  void dataDirDefaultsToTmpdirAndPort() {
    assertThat(cli.defaultDir(9092)).isEqualTo(Path.of("/var/tmp/x/ferry-kafka-local-9092"));
    KafkaLocal noTmpdir = new KafkaLocal(System.out, System.err, Map.of());
    assertThat(noTmpdir.defaultDir(19092)).isEqualTo(Path.of("/tmp/ferry-kafka-local-19092"));
  }

  @Test
  void statusExitsThreeWhenNothingRuns() {
    int code = cli.run("status", "--port", "9", "--dir", tmp.resolve("none").toString());

    assertThat(code).isEqualTo(KafkaLocal.NOT_RUNNING);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not running on port 9");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void stopOfNothingSucceedsAndLeavesForeignDirectoriesAlone() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("keep.txt"), "mine");

    assertThat(cli.run("stop", "--dir", foreign.toString())).isEqualTo(KafkaLocal.OK);
    assertThat(foreign.resolve("keep.txt")).exists();
  }

  @Test
  void startRefusesADirectoryItDidNotMake() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("keep.txt"), "mine");

    int code = cli.run("start", "--port", "9", "--dir", foreign.toString());

    assertThat(code).isEqualTo(KafkaLocal.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("was not made by kafka-local");
    assertThat(foreign.resolve("keep.txt")).exists();
  }

  @Test
  void statusSeesThroughAStaleStateFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("stale"));
    long deadPid = deadPid();
    new KafkaLocalState(deadPid, 9092, null).write(dir);

    assertThat(cli.run("status", "--dir", dir.toString())).isEqualTo(KafkaLocal.NOT_RUNNING);
  }

  @Test
  void badUsageExitsTwo() {
    assertThat(cli.run()).isEqualTo(KafkaLocal.USAGE);
    assertThat(cli.run("restart")).isEqualTo(KafkaLocal.USAGE);
    assertThat(cli.run("start", "--port")).isEqualTo(KafkaLocal.USAGE);
    assertThat(cli.run("start", "--port", "99999")).isEqualTo(KafkaLocal.USAGE);
    assertThat(cli.run("status", "--verbose", "1")).isEqualTo(KafkaLocal.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: kafka-local");
  }

  /** The pid of a process that has exited and been reaped. */
  private static long deadPid() throws Exception {
    Process process = new ProcessBuilder("true").start();
    process.waitFor();
    return process.pid();
  }
}
