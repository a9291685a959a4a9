package dev.ferry.testkit.kafka;

import dev.ferry.testkit.net.TcpProxy;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs one {@link EmbeddedKafkaCluster} for a test class:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(2);
 * }</pre>
 *
 * <p>The cluster starts before the first test of the class and stops after the last one. It is
 * shared by the class's tests, so each test should use its own topics ({@link #uniqueTopic}) and
 * groups ({@link #groupCoordinatedBy} never returns the same id twice). After each test every
 * broker's proxy is restored, so a test that cuts or black-holes a broker and fails before it
 * restores it does not leave the next test without that broker. {@code @Nested} classes share the
 * outer class's cluster.
 *
 * <p>The clients {@link #producer()}, {@link #admin()} and {@link #produce} hand out connect past
 * the proxies ({@link #directBootstrapServers()}): a test that cuts a broker off from the worker
 * under test still reaches every broker itself.
 *
 * <p>Thread-safe: the accessors may be called from test threads and threads they start.
 */
public final class KafkaClusterExtension
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final int brokers;
  private final UniqueTopicNames topicNames = new UniqueTopicNames();
  private volatile EmbeddedKafkaCluster cluster;
  private volatile String ownerId;

  /**
   * A cluster of {@code brokers} brokers, each behind its own proxy.
   *
   * @throws IllegalArgumentException if {@code brokers} is less than 1
   */
  public KafkaClusterExtension(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("brokers must be >= 1, was " + brokers);
    }
    this.brokers = brokers;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (cluster != null) {
      return; // a @Nested class inside the class that started it
    }
    ownerId = context.getUniqueId();
    cluster = EmbeddedKafkaCluster.start(brokers);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    EmbeddedKafkaCluster running = cluster;
    if (running != null) {
      for (int id : running.brokerIds()) {
        running.proxy(id).restore();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EmbeddedKafkaCluster running = cluster;
    if (running == null || !context.getUniqueId().equals(ownerId)) {
      return;
    }
    cluster = null;
    running.close();
  }

  /** See {@link EmbeddedKafkaCluster#bootstrapServers()}: every broker's proxy. */
  public String bootstrapServers() {
    return cluster().bootstrapServers();
  }

  /** See {@link EmbeddedKafkaCluster#directBootstrapServers()}: past the proxies. */
  public String directBootstrapServers() {
    return cluster().directBootstrapServers();
  }

  /** The broker ids, ascending. */
  public List<Integer> brokerIds() {
    return cluster().brokerIds();
  }

  /** The proxy in front of broker {@code brokerId}; see {@link EmbeddedKafkaCluster#proxy}. */
  public TcpProxy proxy(int brokerId) {
    return cluster().proxy(brokerId);
  }

  /** See {@link EmbeddedKafkaCluster#createTopic}: every partition on broker {@code brokerId}. */
  public void createTopic(String name, int partitions, int brokerId) {
    cluster().createTopic(name, partitions, brokerId);
  }

  /** See {@link EmbeddedKafkaCluster#groupCoordinatedBy}. */
  public String groupCoordinatedBy(int brokerId, String prefix) {
    return cluster().groupCoordinatedBy(brokerId, prefix);
  }

  /**
   * A new producer of byte-array keys and values with {@code acks=all}, past the proxies; the
   * caller closes it.
   */
  public KafkaProducer<byte[], byte[]> producer() {
    return producer(Map.of());
  }

  /** Like {@link #producer()}, with producer configs that win over its defaults. */
  public KafkaProducer<byte[], byte[]> producer(Map<String, ?> overrides) {
    return KafkaClients.producer(directBootstrapServers(), overrides);
  }

  /** A new admin client of the cluster, past the proxies; the caller closes it. */
  public Admin admin() {
    return KafkaClients.admin(directBootstrapServers());
  }

  /**
   * Sends one record past the proxies, key and value in UTF-8 ({@code null} stays null), and
   * returns once the cluster acknowledged it.
   *
   * @throws IllegalStateException if the cluster refuses it or does not acknowledge it within 30 s
   */
  public RecordMetadata produce(String topic, String key, String value) {
    return KafkaClients.produce(directBootstrapServers(), topic, key, value);
  }

  /**
   * Returns a topic name not returned before, {@code prefix-<n>-<random>}; it does not create the
   * topic.
   */
  public String uniqueTopic(String prefix) {
    return topicNames.next(prefix);
  }

  /** The cluster itself. */
  public EmbeddedKafkaCluster cluster() {
    EmbeddedKafkaCluster running = cluster;
    if (running == null) {
      throw new IllegalStateException(
          "no cluster: register KafkaClusterExtension on a static field with @RegisterExtension");
    }
    return running;
  }
}
