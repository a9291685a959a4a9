package dev.ferry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The shape of the worker.
 *
 * @param threads worker threads, one lane each; records of one key always go to the same lane
 * @param queueCapacity records held in memory at most (plus one poll of {@code max.poll.records})
 * @param batchSize records written in one Postgres transaction at most
 * @param batchLinger how long a worker waits to fill a batch once it holds one record
 * @param drainTimeout how long a graceful stop may take before it gives up
 * @param commitInterval how often completed offsets are committed to Kafka
 * @param exactlyOnce whether every transaction records its offsets in Ferry's bookkeeping and is
 *     fenced by partition epochs (exactly-once effect); off means at-least-once
 * @param memoryBudget the heap the records held may take (fetched, queued and in batches), resolved
 *     against the JVM's heap at start; partitions pause at whichever of this and {@code
 *     queueCapacity} is reached first
 * @param writeMethod how the sink writes a run of insert-mode rows
 * @param controlInterval how often the worker reads the operator pauses from Ferry's schema
 */
public record WorkerSettings(
    int threads,
    int queueCapacity,
    int batchSize,
    Duration batchLinger,
    Duration drainTimeout,
    Duration commitInterval,
    boolean exactlyOnce,
    Optional<Path> pluginDir,
    MemoryBudget memoryBudget,
    WriteMethod writeMethod,
    Duration controlInterval) {
  /**
   * The default {@code threads} for a machine of {@code processors} (what the JVM sees, so a
   * container's CPU limit): two per processor, so that one lane's transaction can run on the CPU
   * while another waits for Postgres, at least 2 and at most 16. More threads than that only add
   * context switches, smaller batches and connections (on 2 cores, 8 threads were slower than 4).
   */
  public static int defaultThreads(int processors) {
    return Math.max(2, Math.min(16, 2 * processors));
  }

  /**
   * The default {@code database.pool-size}: a connection per worker thread, one for the partition
   * claims and bookkeeping, and one for health checks and table metadata.
   */
  public static int defaultPoolSize(int threads) {
    return threads + 2;
  }

  /** How the sink writes a run of whole rows into an insert-mode table. */
  public enum WriteMethod {
    /** {@code COPY … FROM STDIN} for a run of 16 rows or more (decision 20). */
    COPY,
    /** One rewritten JDBC batch of INSERT statements, as every other run is written. */
    STATEMENTS
  }

  @Override
  public String toString() {
    return "worker{threads="
        + threads
        + ", queue-capacity="
        + queueCapacity
        + ", batch-size="
        + batchSize
        + ", batch-linger="
        + Durations.format(batchLinger)
        + ", drain-timeout="
        + Durations.format(drainTimeout)
        + ", commit-interval="
        + Durations.format(commitInterval)
        + ", control-interval="
        + Durations.format(controlInterval)
        + ", exactly-once="
        + exactlyOnce
        + pluginDir.map(d -> ", plugin-dir=" + d).orElse("")
        + ", memory-budget="
        + memoryBudget
        + ", write-method="
        + writeMethod.name().toLowerCase(Locale.ROOT)
        + "}";
  }
}
