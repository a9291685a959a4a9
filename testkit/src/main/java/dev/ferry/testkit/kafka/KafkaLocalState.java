package dev.ferry.testkit.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code scripts/kafka-local} remembers about the broker it started, in {@code
 * kafka-local.state} inside the data directory. The file also marks the directory as one that
 * kafka-local may delete.
 *
 * @param startedAt the process start time the OS reported, to tell the broker from a later process
 *     that reuses its pid; null if the OS did not report one
 */
record KafkaLocalState(long pid, int port, Instant startedAt) {

  static final String FILE_NAME = "kafka-local.state";

  static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  static Optional<KafkaLocalState> read(Path dataDir) {
    Path file = file(dataDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
      String startedAt = properties.getProperty("startedAt", "");
      return Optional.of(
          new KafkaLocalState(
              Long.parseLong(properties.getProperty("pid")),
              Integer.parseInt(properties.getProperty("port")),
              startedAt.isEmpty() ? null : Instant.parse(startedAt)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("unreadable state file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file atomically, so a concurrent reader sees the old or the new state. */
  void write(Path dataDir) {
    Properties properties = new Properties();
    properties.setProperty("pid", Long.toString(pid));
    properties.setProperty("port", Integer.toString(port));
    properties.setProperty("startedAt", startedAt == null ? "" : startedAt.toString());
    Path file = file(dataDir);
    Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
    try {
      try (Writer writer = Files.newBufferedWriter(tmp)) {
        properties.store(
            writer, "kafka-local broker; delete the directory only when it is stopped");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** The broker's process, if it is still the one that was started. */
  Optional<ProcessHandle> runningProcess() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isSameProcess);
  }

  private boolean isSameProcess(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    if (startedAt != null
        && info.startInstant().isPresent()
        && !info.startInstant().get().equals(startedAt)) {
      return false;
    }
    // Not the command line: the JDK truncates it at 4 KiB, well before "kafka.Kafka".
    return info.command().map(command -> command.endsWith("java")).orElse(true);
  }

  static KafkaLocalState of(KafkaProcess broker) {
    ProcessHandle process = ProcessHandle.of(broker.pid()).orElseThrow();
    return new KafkaLocalState(
        broker.pid(), broker.port(), process.info().startInstant().orElse(null));
  }
}
