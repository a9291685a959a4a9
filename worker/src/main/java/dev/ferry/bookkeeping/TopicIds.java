package dev.ferry.bookkeeping;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka topic id (a UUID that changes when a topic is deleted and created again) of each input
 * topic, looked up through the admin client and cached until {@link #refresh} looks it up again.
 * The bookkeeping is scoped to it, so that the offset markers of an earlier incarnation of a topic
 * never make Ferry skip the records of a new one. A lookup waits at most {@code kafka.api-timeout}.
 * Thread-safe.
 */
public final class TopicIds {
  private static final Logger log = LoggerFactory.getLogger(TopicIds.class);

  private final Admin admin;
  private final Duration timeout;
  private final Map<String, String> ids = new ConcurrentHashMap<>();

  /**
   * @param timeout {@code kafka.api-timeout}: how long one lookup waits for the admin client
   */
  public TopicIds(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** A resolver that knows the ids in advance; for tests. */
  public static TopicIds fixed(Map<String, String> ids) {
    TopicIds topicIds = new TopicIds(null, Duration.ZERO);
    topicIds.ids.putAll(ids);
    return topicIds;
  }

  /** The topic's id, or empty when it cannot be looked up now (the caller may try again). */
  public Optional<String> of(String topic) {
    String known = ids.get(topic);
    if (known != null || admin == null) {
      return Optional.ofNullable(known);
    }
    return lookUp(topic);
  }

  /**
   * Looks the topic's id up again, replacing the cached one: for a topic just assigned, which may
   * have been deleted and created again since its id was cached (a topic that a pattern matches can
   * come and go while Ferry runs). Empty when it cannot be looked up now; the cached id is then
   * kept.
   */
  public Optional<String> refresh(String topic) {
    if (admin == null) {
      return Optional.ofNullable(ids.get(topic));
    }
    return lookUp(topic);
  }

  private Optional<String> lookUp(String topic) {
    try {
      TopicDescription d =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic);
      String id = d.topicId().toString();
      String before = ids.put(topic, id);
      if (before != null && !before.equals(id)) {
        log.info("topic {} was created again: its id is now {} (was {})", topic, id, before);
      }
      return Optional.of(id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      log.warn("cannot look up the id of topic {}: {}", topic, e.toString());
      return Optional.empty();
    }
  }
}
