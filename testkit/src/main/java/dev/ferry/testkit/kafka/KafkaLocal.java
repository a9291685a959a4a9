package dev.ferry.testkit.kafka;

import dev.ferry.testkit.CliLogging;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code scripts/kafka-local} command: a Kafka broker on this machine for demos and manual
 * tests, which outlives the command that started it.
 *
 * <pre>
 * kafka-local start  [--port 9092] [--dir DIR]   start it (or say it is already running)
 * kafka-local status [--port 9092] [--dir DIR]   print its bootstrap address; exit 3 if not running
 * kafka-local stop   [--port 9092] [--dir DIR]   SIGTERM, SIGKILL after 20 s; delete its data
 * </pre>
 *
 * <p>DIR defaults to {@code ${TMPDIR:-/tmp}/ferry-kafka-local-PORT}; it holds the data, the
 * broker's log ({@code broker.log}) and its pid ({@code kafka-local.state}). A broker started with
 * another {@code --dir} is recorded in {@code ${TMPDIR:-/tmp}/ferry-kafka-local-PORT.dir}, so
 * {@code status} and {@code stop} find it by port alone. Exit codes: 0 done, 1 failed, 2 bad usage,
 * 3 not running (status).
 *
 * <p>The broker runs in a session of its own ({@code setsid}) with its output in {@code
 * broker.log}, so it outlives this command and its terminal.
 */
public final class KafkaLocal {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_RUNNING = 3;

  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private static final String USAGE_TEXT =
      "usage: kafka-local start|status|stop [--port PORT] [--dir DIR]";

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  KafkaLocal(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  public static void main(String[] args) {
    CliLogging.quietKafka();
    System.exit(new KafkaLocal(System.out, System.err, System.getenv()).run(args));
  }

  int run(String... args) {
    if (args.length == 0) {
      err.println(USAGE_TEXT);
      return USAGE;
    }
    int port = 9092;
    Path dir = null;
    for (int i = 1; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length || !(option.equals("--port") || option.equals("--dir"))) {
        err.println("kafka-local: unexpected argument '" + option + "'\n" + USAGE_TEXT);
        return USAGE;
      }
      String value = args[++i];
      if (option.equals("--port")) {
        try {
          port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          err.println("kafka-local: --port must be 1-65535, was '" + value + "'");
          return USAGE;
        }
      } else {
        dir = Path.of(value);
      }
    }
    try {
      Path dataDir = dir != null ? dir.toAbsolutePath() : locate(port);
      switch (args[0]) {
        case "start":
          return start(port, dataDir, locate(port));
        case "status":
          return status(port, dataDir);
        case "stop":
          return stop(port, dataDir);
        default:
          err.println("kafka-local: unknown command '" + args[0] + "'\n" + USAGE_TEXT);
          return USAGE;
      }
    } catch (RuntimeException e) {
      err.println("kafka-local: " + e.getMessage());
      return FAILED;
    }
  }

  Path defaultDir(int port) {
    return tmpDir().resolve("ferry-kafka-local-" + port).toAbsolutePath();
  }

  /**
   * Where a broker started with {@code --dir} is recorded, so that {@code status} and {@code stop}
   * find it by its port alone.
   */
  Path pointerFile(int port) {
    return tmpDir().resolve("ferry-kafka-local-" + port + ".dir");
  }

  private Path tmpDir() {
    String tmp = env.getOrDefault("TMPDIR", "");
    return Path.of(tmp.isEmpty() ? "/tmp" : tmp);
  }

  /** The data directory of the broker for {@code port}: the recorded one, else the default. */
  private Path locate(int port) {
    Path pointer = pointerFile(port);
    if (Files.exists(pointer)) {
      try {
        return Path.of(Files.readString(pointer).strip());
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + pointer, e);
      }
    }
    return defaultDir(port);
  }

  private int start(int port, Path dataDir, Path located) {
    for (Path candidate : new Path[] {dataDir, located}) {
      Optional<KafkaLocalState> state = KafkaLocalState.read(candidate);
      if (state.isPresent() && state.get().runningProcess().isPresent()) {
        out.printf(
            "kafka-local: already running on 127.0.0.1:%d (pid %d, data %s)%n",
            state.get().port(), state.get().pid(), candidate);
        return OK;
      }
    }
    Optional<KafkaLocalState> previous = KafkaLocalState.read(dataDir);
    if (previous.isPresent()) {
      out.printf(
          "kafka-local: pid %d is gone; starting afresh in %s%n", previous.get().pid(), dataDir);
      deleteRecursively(dataDir);
    } else if (!isEmptyOrMissing(dataDir)) {
      err.printf(
          "kafka-local: %s is not empty and was not made by kafka-local; not touching it%n",
          dataDir);
      return FAILED;
    }
    KafkaProcess broker;
    try {
      // The state is written as soon as the process exists, so that stop finds a broker whose
      // start is slow or whose launcher was killed.
      broker =
          KafkaProcess.start(
              port,
              dataDir,
              START_TIMEOUT,
              true,
              launched -> {
                KafkaLocalState.of(launched).write(dataDir);
                recordDir(port, dataDir);
              });
    } catch (RuntimeException e) {
      deleteRecursively(dataDir); // the failure message carries the tail of the broker's log
      forgetDir(port, dataDir);
      throw e;
    }
    out.printf(
        "kafka-local: started on %s (pid %d, data %s)%n",
        broker.bootstrapServers(), broker.pid(), dataDir);
    return OK;
  }

  private int status(int port, Path dataDir) {
    Optional<KafkaLocalState> state = KafkaLocalState.read(dataDir);
    if (state.isPresent() && state.get().runningProcess().isPresent()) {
      out.println("127.0.0.1:" + state.get().port());
      return OK;
    }
    err.printf("kafka-local: not running on port %d (data %s)%n", port, dataDir);
    return NOT_RUNNING;
  }

  private int stop(int port, Path dataDir) {
    Optional<KafkaLocalState> state = KafkaLocalState.read(dataDir);
    if (state.isEmpty()) {
      out.printf("kafka-local: not running on port %d (no state in %s)%n", port, dataDir);
      forgetDir(port, dataDir);
      return OK;
    }
    Optional<ProcessHandle> process = state.get().runningProcess();
    if (process.isPresent()) {
      try {
        boolean graceful = ProcessTermination.terminate(process.get(), STOP_GRACE);
        out.printf(
            "kafka-local: stopped pid %d%s%n",
            state.get().pid(), graceful ? "" : " (killed after " + STOP_GRACE.toSeconds() + " s)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping pid " + state.get().pid(), e);
      }
    } else {
      out.printf("kafka-local: pid %d was not running%n", state.get().pid());
    }
    deleteRecursively(dataDir);
    forgetDir(port, dataDir);
    out.printf("kafka-local: deleted %s%n", dataDir);
    return OK;
  }

  private void recordDir(int port, Path dataDir) {
    Path pointer = pointerFile(port);
    try {
      if (dataDir.equals(defaultDir(port))) {
        Files.deleteIfExists(pointer);
      } else {
        Files.writeString(pointer, dataDir + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + pointer, e);
    }
  }

  private void forgetDir(int port, Path dataDir) {
    if (locate(port).equals(dataDir)) {
      try {
        Files.deleteIfExists(pointerFile(port));
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete " + pointerFile(port), e);
      }
    }
  }

  private static boolean isEmptyOrMissing(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + dir, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
