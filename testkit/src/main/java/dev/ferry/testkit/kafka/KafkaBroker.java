package dev.ferry.testkit.kafka;

/**
 * A running single-node Kafka broker for tests, scripts and benchmarks.
 *
 * <p>Implementations are thread-safe: {@link #bootstrapServers()} and {@link #createTopic} may be
 * called from any thread while the broker runs.
 */
public interface KafkaBroker extends AutoCloseable {

  /** The bootstrap address clients use, {@code 127.0.0.1:port}. */
  String bootstrapServers();

  /**
   * Creates a topic with replication factor 1 and returns once every partition has a leader, so a
   * producer or consumer started afterwards sees the whole topic.
   *
   * @throws IllegalStateException if the topic exists already or is not ready within 30 s
   */
  void createTopic(String name, int partitions);

  /**
   * Stops the broker and releases what it holds (ports, threads, and the directories it created).
   * Calling it again does nothing.
   */
  @Override
  void close();
}
