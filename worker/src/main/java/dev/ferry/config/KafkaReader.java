package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code kafka} section: where the brokers are, the group, the timeouts Ferry waits on
 * Kafka with, how often the topic list is read again (for topic patterns), and the client
 * properties passed on verbatim, refusing those Ferry sets itself.
 */
final class KafkaReader {
  /** The client properties Ferry sets itself; none may be overridden. */
  private static final List<String> OURS =
      List.of("enable.auto.commit", "group.id", "bootstrap.servers");

  /** The client properties a Ferry setting stands for, and that setting. */
  private static final Map<String, String> TIMEOUT_KEYS =
      Map.of(
          "request.timeout.ms", "kafka.request-timeout",
          "default.api.timeout.ms", "kafka.api-timeout",
          "delivery.timeout.ms", "dead-letter.send-timeout",
          "metadata.max.age.ms", "kafka.topic-refresh-interval");

  private KafkaReader() {}

  static KafkaSettings read(Section s) {
    String bootstrap = s.requiredString("bootstrap-servers");
    String groupId = s.string("group-id", "ferry");
    Map<String, String> clientProperties = clientProperties(s);
    KafkaTimeouts timeouts = timeouts(s);
    Duration topicRefresh =
        s.duration(
            "topic-refresh-interval",
            KafkaSettings.DEFAULT_TOPIC_REFRESH_INTERVAL,
            Duration.ofSeconds(1));
    s.rejectUnknownKeys();
    return new KafkaSettings(bootstrap, groupId, clientProperties, timeouts, topicRefresh);
  }

  private static Map<String, String> clientProperties(Section s) {
    Map<String, String> clientProperties = s.stringMap("client-properties");
    for (String ours : OURS) {
      if (clientProperties.containsKey(ours)) {
        s.problem(
            s.key("client-properties." + ours),
            "is set by Ferry itself and cannot be overridden here");
      }
    }
    TIMEOUT_KEYS.forEach(
        (property, setting) -> {
          if (clientProperties.containsKey(property)) {
            s.problem(
                s.key("client-properties." + property), "is set by " + setting + "; set it there");
          }
        });
    clientProperties.forEach(
        (name, value) ->
            KafkaClientConfigs.problem(name, value)
                .ifPresent(reason -> s.problem(s.key("client-properties." + name), reason)));
    return clientProperties;
  }

  private static KafkaTimeouts timeouts(Section s) {
    KafkaTimeouts defaults = KafkaTimeouts.DEFAULTS;
    KafkaTimeouts timeouts =
        new KafkaTimeouts(
            s.duration("request-timeout", defaults.request(), Duration.ofSeconds(1)),
            s.duration("api-timeout", defaults.api(), Duration.ofSeconds(1)),
            s.duration("commit-timeout", defaults.commit(), Duration.ofMillis(100)));
    if (timeouts.api().compareTo(timeouts.request()) < 0) {
      // Kafka's clients refuse default.api.timeout.ms < request.timeout.ms when they are built.
      s.problem(
          s.key("api-timeout"),
          "must be ≥ kafka.request-timeout ("
              + Durations.format(timeouts.request())
              + "), was "
              + Durations.format(timeouts.api()));
    }
    return timeouts;
  }
}
