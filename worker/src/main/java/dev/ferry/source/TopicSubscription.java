package dev.ferry.source;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;

/**
 * What the poll loop subscribes to: a fixed list of topics, or every topic whose whole name matches
 * a pattern, now or once created. With a pattern, the consumer reads the cluster's topic list again
 * every {@code metadata.max.age.ms} and joins a topic that appeared in the group's next rebalance.
 *
 * @param topics the topics, when subscribing by name
 * @param pattern the pattern, when subscribing by pattern (then {@code topics} is empty)
 */
public record TopicSubscription(List<String> topics, Optional<Pattern> pattern) {
  public TopicSubscription {
    topics = List.copyOf(topics);
  }

  /** The topics named. */
  public static TopicSubscription listed(Collection<String> topics) {
    return new TopicSubscription(List.copyOf(topics), Optional.empty());
  }

  /** Every topic whose whole name matches {@code pattern}. */
  public static TopicSubscription matching(Pattern pattern) {
    return new TopicSubscription(List.of(), Optional.of(pattern));
  }

  void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener listener) {
    if (pattern.isPresent()) {
      consumer.subscribe(pattern.get(), listener);
    } else {
      consumer.subscribe(topics, listener);
    }
  }

  @Override
  public String toString() {
    return pattern.map(p -> "topics matching " + p.pattern()).orElse("topics " + topics);
  }
}
