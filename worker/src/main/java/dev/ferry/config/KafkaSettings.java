package dev.ferry.config;

import java.time.Duration;
import java.util.Map;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param groupId the consumer group; replicas with the same group share the partitions
 * @param clientProperties passed verbatim to every Kafka client (security.protocol, sasl.*, ssl.*,
 *     and tuning such as max.poll.records); Ferry's own settings win where they overlap
 * @param timeouts how long each kind of wait on Kafka may last
 * @param topicRefreshInterval how often the consumer reads the cluster's topic list again ({@code
 *     metadata.max.age.ms}): a new topic that a {@code topic-pattern} matches is consumed within
 *     about this time
 */
public record KafkaSettings(
    String bootstrapServers,
    String groupId,
    Map<String, String> clientProperties,
    KafkaTimeouts timeouts,
    Duration topicRefreshInterval) {
  /** {@code kafka.topic-refresh-interval} when it is not set. */
  public static final Duration DEFAULT_TOPIC_REFRESH_INTERVAL = Duration.ofSeconds(30);

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** With the default topic refresh interval. */
  public KafkaSettings(
      String bootstrapServers,
      String groupId,
      Map<String, String> clientProperties,
      KafkaTimeouts timeouts) {
    this(bootstrapServers, groupId, clientProperties, timeouts, DEFAULT_TOPIC_REFRESH_INTERVAL);
  }

  /** With the default timeouts. */
  public KafkaSettings(String bootstrapServers, String groupId, Map<String, String> properties) {
    this(bootstrapServers, groupId, properties, KafkaTimeouts.DEFAULTS);
  }
}
