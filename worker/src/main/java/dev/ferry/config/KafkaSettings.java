package dev.ferry.config;

import java.util.Map;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param groupId the consumer group; replicas with the same group share the partitions
 * @param clientProperties passed verbatim to every Kafka client (security.protocol, sasl.*, ssl.*,
 *     and tuning such as max.poll.records); Ferry's own settings win where they overlap
 * @param timeouts how long each kind of wait on Kafka may last
 */
public record KafkaSettings(
    String bootstrapServers,
    String groupId,
    Map<String, String> clientProperties,
    KafkaTimeouts timeouts) {
  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** With the default timeouts. */
  public KafkaSettings(String bootstrapServers, String groupId, Map<String, String> properties) {
    this(bootstrapServers, groupId, properties, KafkaTimeouts.DEFAULTS);
  }
}
