package dev.ferry.testkit.kafka;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
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
 * <p>The broker starts before the first test of the class and stops after the last one. It is
 * shared by the class's tests, so each test should use its own topics ({@link #uniqueTopic}).
 * {@code @Nested} classes share the outer class's broker.
 *
 * <p>Thread-safe: the accessors may be called from test threads and threads they start.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  private static final Pattern LEGAL_TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  private final AtomicInteger topicCounter = new AtomicInteger();
  private volatile EmbeddedKafkaBroker broker;
  private volatile String ownerId;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (broker != null) {
      return; // a @Nested class inside the class that started it
    }
    ownerId = context.getUniqueId();
    broker = EmbeddedKafkaBroker.start();
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

  /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
  public void createTopic(String name, int partitions) {
    broker().createTopic(name, partitions);
  }

  /**
   * Returns a topic name not returned before, {@code prefix-<n>-<random>}; it does not create the
   * topic.
   */
  public String uniqueTopic(String prefix) {
    if (!LEGAL_TOPIC_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix must be 1-200 of [a-zA-Z0-9._-], was '" + prefix + "'");
    }
    int random = ThreadLocalRandom.current().nextInt(0x100000, 0x1000000);
    return prefix + "-" + topicCounter.incrementAndGet() + "-" + Integer.toHexString(random);
  }

  /** The broker itself, for code that takes a {@link KafkaBroker}. */
  public KafkaBroker broker() {
    EmbeddedKafkaBroker running = broker;
    if (running == null) {
      throw new IllegalStateException(
          "no broker: register KafkaBrokerExtension on a static field with @RegisterExtension");
    }
    return running;
  }
}
