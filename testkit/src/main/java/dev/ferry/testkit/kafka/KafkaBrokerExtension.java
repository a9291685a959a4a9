package dev.ferry.testkit.kafka;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that runs one {@link EmbeddedKafkaBroker} for a test class:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 *
 * <p>{@link #producer()}, {@link #admin()} and {@link #produce} give a test its own clients of the
 * broker, on the plaintext listener.
 *
 * <p>{@link #withScram} adds a listener that requires SASL/SCRAM ({@link
 * EmbeddedKafkaBroker#startWithScram}).
 *
 * <p>The broker starts before the first test of the class and stops after the last one. It is
 * shared by the class's tests, so each test should use its own topics ({@link #uniqueTopic}).
 * {@code @Nested} classes share the outer class's broker.
 *
 * <p>Thread-safe: the accessors may be called from test threads and threads they start.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  private final UniqueTopicNames topicNames = new UniqueTopicNames();
  private final ScramCredentials scramUser;
  private volatile EmbeddedKafkaBroker broker;
  private volatile String ownerId;

  /** A broker with plaintext listeners only. */
  public KafkaBrokerExtension() {
    this(null);
  }

  private KafkaBrokerExtension(ScramCredentials scramUser) {
    this.scramUser = scramUser;
  }

  /**
   * A broker that also has a SASL_PLAINTEXT listener requiring SCRAM-SHA-256, on which {@code
   * username} logs in with {@code password}; see {@link #saslBootstrapServers()} and {@link
   * #scramCredentials()}.
   */
  public static KafkaBrokerExtension withScram(String username, String password) {
    return new KafkaBrokerExtension(new ScramCredentials(username, password));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (broker != null) {
      return; // a @Nested class inside the class that started it
    }
    ownerId = context.getUniqueId();
    broker =
        scramUser == null
            ? EmbeddedKafkaBroker.start()
            : EmbeddedKafkaBroker.startWithScram(scramUser.username(), scramUser.password());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    EmbeddedKafkaBroker running = broker;
    if (running == null || !context.getUniqueId().equals(ownerId)) {
      return;
    }
    broker = null;
    running.close();
  }

  /** The running broker's bootstrap address, {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  /**
   * The SASL_PLAINTEXT listener's address, {@code 127.0.0.1:port}.
   *
   * @throws IllegalStateException unless the extension was made by {@link #withScram}
   */
  public String saslBootstrapServers() {
    return running().saslBootstrapServers();
  }

  /**
   * The user that logs in on {@link #saslBootstrapServers()}.
   *
   * @throws IllegalStateException unless the extension was made by {@link #withScram}
   */
  public ScramCredentials scramCredentials() {
    return running().scramCredentials();
  }

  /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
  public void createTopic(String name, int partitions) {
    broker().createTopic(name, partitions);
  }

  /**
   * Like {@link #createTopic(String, int)}, with topic-level {@code configs} such as {@code
   * max.message.bytes}.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    running().createTopic(name, partitions, configs);
  }

  /** A new producer of byte-array keys and values with {@code acks=all}; the caller closes it. */
  public KafkaProducer<byte[], byte[]> producer() {
    return producer(Map.of());
  }

  /**
   * Like {@link #producer()}, with producer configs that win over its defaults, such as {@code
   * max.request.size}.
   */
  public KafkaProducer<byte[], byte[]> producer(Map<String, ?> overrides) {
    return KafkaClients.producer(bootstrapServers(), overrides);
  }

  /** A new admin client of the broker; the caller closes it. */
  public Admin admin() {
    return KafkaClients.admin(bootstrapServers());
  }

  /**
   * Sends one record, key and value in UTF-8 ({@code null} stays null: no key, a tombstone), and
   * returns once the broker acknowledged it.
   *
   * @throws IllegalStateException if the broker refuses it or does not acknowledge it within 30 s
   */
  public RecordMetadata produce(String topic, String key, String value) {
    return KafkaClients.produce(bootstrapServers(), topic, key, value);
  }

  /**
   * Returns a topic name not returned before, {@code prefix-<n>-<random>}; it does not create the
   * topic.
   */
  public String uniqueTopic(String prefix) {
    return topicNames.next(prefix);
  }

  /** The broker itself, for code that takes a {@link KafkaBroker}. */
  public KafkaBroker broker() {
    return running();
  }

  private EmbeddedKafkaBroker running() {
    EmbeddedKafkaBroker running = broker;
    if (running == null) {
      throw new IllegalStateException(
          "no broker: register KafkaBrokerExtension on a static field with @RegisterExtension");
    }
    return running;
  }
}
