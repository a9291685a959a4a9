package dev.ferry.app;

import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.source.PartitionClaim;
import dev.ferry.source.PartitionClaimer;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a topic for its records before the first partition of it this worker was assigned is
 * claimed: a topic that a {@code topic-pattern} matched while Ferry runs gets its dead-letter topic
 * created, and the id of every newly assigned topic is looked up again (it may be a new incarnation
 * of a topic deleted and created again), so that the offset markers of an earlier incarnation never
 * make Ferry skip the records of the new one. Since a partition stays paused until claimed, none of
 * its records is fetched, let alone dead-lettered, before that.
 *
 * <p>A preparation that fails (Kafka unreachable) fails the claim, which the claim queue retries
 * with backoff; the preparation is then tried again. Claims run on one thread ({@code
 * ferry-claim}); {@link #assigned} runs on the poll thread.
 */
final class TopicArrivals implements PartitionClaimer {
  private static final Logger log = LoggerFactory.getLogger(TopicArrivals.class);

  /** Ensures the dead-letter topic of an input topic. */
  interface DeadLetterTopic {
    /**
     * Creates the DLT of {@code topic} when it is missing.
     *
     * @return whether it was created now
     */
    boolean ensure(String topic) throws Exception;
  }

  private final PartitionClaimer claims;
  private final Optional<TopicIds> topicIds;
  private final DeadLetterTopic deadLetterTopic;
  private final Set<String> toPrepare = ConcurrentHashMap.newKeySet();
  private final Set<String> withDeadLetterTopic = ConcurrentHashMap.newKeySet();

  /**
   * @param claims the claimer that takes the partition in the bookkeeping, after the preparation
   * @param topicIds the ids to look up again; empty without exactly-once bookkeeping
   * @param withDeadLetterTopic the topics whose DLT is known to exist (ensured at start)
   */
  TopicArrivals(
      PartitionClaimer claims,
      Optional<TopicIds> topicIds,
      DeadLetterTopic deadLetterTopic,
      Collection<String> withDeadLetterTopic) {
    this.claims = claims;
    this.topicIds = topicIds;
    this.deadLetterTopic = deadLetterTopic;
    this.withDeadLetterTopic.addAll(withDeadLetterTopic);
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> toPrepare.add(tp.topic()));
  }

  @Override
  public PartitionClaim claim(TopicPartition partition) throws Exception {
    String topic = partition.topic();
    if (toPrepare.remove(topic)) {
      try {
        prepare(topic);
      } catch (Exception | Error e) {
        toPrepare.add(topic); // tried again with the claim's retry
        throw e;
      }
    }
    return claims.claim(partition);
  }

  private void prepare(String topic) throws Exception {
    if (topicIds.isPresent() && topicIds.get().refresh(topic).isEmpty()) {
      throw new IllegalStateException("the id of topic " + topic + " cannot be looked up now");
    }
    if (!withDeadLetterTopic.contains(topic)) {
      if (deadLetterTopic.ensure(topic)) {
        log.info("topic {} is new to this worker: created its dead-letter topic", topic);
      }
      withDeadLetterTopic.add(topic);
    }
  }
}
