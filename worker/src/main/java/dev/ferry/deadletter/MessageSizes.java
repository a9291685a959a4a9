package dev.ferry.deadletter;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How large a record a topic takes, and how large a dead-letter topic must be: a dead letter is its
 * input record (key, value, original headers) plus Ferry's headers, so its topic needs the input
 * topic's {@code max.message.bytes} plus {@link #HEADER_ROOM}.
 */
public final class MessageSizes {
  /**
   * Room for Ferry's headers and the batch overhead: each header value is bounded to 8 Ki
   * characters (up to 24 KiB of UTF-8), and only the exception message and stack trace come near
   * that.
   */
  public static final int HEADER_ROOM = 64 * 1024;

  /** Kafka's default {@code max.request.size} (1 MiB). */
  public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  private MessageSizes() {}

  /**
   * The {@code max.message.bytes} a topic needs to take the dead letters of a topic with {@code
   * inputLimit}.
   */
  public static int deadLetterLimitFor(int inputLimit) {
    return (int) Math.min(Integer.MAX_VALUE, (long) inputLimit + HEADER_ROOM);
  }

  /**
   * The effective {@code max.message.bytes} of each topic: its own setting, or the broker's {@code
   * message.max.bytes} when it has none (Kafka reports that default as the topic's value).
   */
  public static Map<String, Integer> maxMessageBytes(
      Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<ConfigResource> resources =
        topics.stream()
            .distinct()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
            .toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Integer> limits = new HashMap<>();
    configs.forEach(
        (resource, config) -> {
          ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
          if (entry != null && entry.value() != null) {
            limits.put(resource.name(), Integer.parseInt(entry.value()));
          }
        });
    return limits;
  }
}
