package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the {@code worker} section: the pool of worker threads, the hand-off queue and its memory
 * budget, batching, draining, committing and the plugin directory.
 */
final class WorkerReader {
  private WorkerReader() {}

  static WorkerSettings read(Section s) {
    int threads =
        s.integer(
            "threads",
            WorkerSettings.defaultThreads(Runtime.getRuntime().availableProcessors()),
            1,
            1024);
    int capacity = s.integer("queue-capacity", 10_000, 1, 10_000_000);
    int batchSize = s.integer("batch-size", 500, 1, 100_000);
    Duration linger = s.duration("batch-linger", Duration.ofMillis(10), Duration.ZERO);
    Duration drain = s.duration("drain-timeout", Duration.ofSeconds(30), Duration.ofMillis(1));
    Duration commit = s.duration("commit-interval", Duration.ofSeconds(1), Duration.ofMillis(10));
    boolean exactlyOnce = s.bool("exactly-once", true);
    Duration control =
        s.duration("control-interval", Duration.ofSeconds(2), Duration.ofMillis(100));
    Optional<Path> pluginDir = s.optionalPath("plugin-dir");
    MemoryBudget memoryBudget = memoryBudget(s);
    WorkerSettings.WriteMethod writeMethod = writeMethod(s);
    pluginDir.ifPresent(
        dir -> {
          if (!Files.isDirectory(dir)) {
            s.problem(s.key("plugin-dir"), "'" + dir + "' is not a directory");
          }
        });
    s.rejectUnknownKeys();
    return new WorkerSettings(
        threads,
        capacity,
        batchSize,
        linger,
        drain,
        commit,
        exactlyOnce,
        pluginDir,
        memoryBudget,
        writeMethod,
        control);
  }

  /** {@code worker.write-method}: {@code copy} or {@code statements}. */
  private static WorkerSettings.WriteMethod writeMethod(Section s) {
    String text = s.string("write-method", "copy").trim();
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "copy" -> WorkerSettings.WriteMethod.COPY;
      case "statements" -> WorkerSettings.WriteMethod.STATEMENTS;
      default -> {
        s.problem(s.key("write-method"), "must be copy or statements, was '" + text + "'");
        yield WorkerSettings.WriteMethod.COPY;
      }
    };
  }

  /** {@code worker.memory-budget}: a size such as {@code 256MiB}, or a share of the heap. */
  private static MemoryBudget memoryBudget(Section s) {
    Optional<String> text = s.optionalString("memory-budget");
    if (text.isEmpty()) {
      return MemoryBudget.DEFAULT;
    }
    Optional<MemoryBudget> budget = MemoryBudget.parse(text.get());
    String key = s.key("memory-budget");
    if (budget.isEmpty()) {
      s.problem(
          key,
          "must be a size such as 256MiB, 1GiB or 500MB, or a share of the heap such as 25%, was '"
              + text.get()
              + "'");
      return MemoryBudget.DEFAULT;
    }
    MemoryBudget b = budget.get();
    if (b.bytes().isPresent() && b.bytes().get() < MemoryBudget.MIN_BYTES) {
      s.problem(key, "must be ≥ 1MiB, was " + text.get().trim());
    }
    if (b.bytes().isEmpty() && (b.heapPercent() < 1 || b.heapPercent() > 90)) {
      s.problem(key, "must be between 1% and 90% of the heap, was " + text.get().trim());
    }
    return b;
  }
}
