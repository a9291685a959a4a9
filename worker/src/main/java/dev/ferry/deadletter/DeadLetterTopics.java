package dev.ferry.deadletter;

import dev.ferry.config.DeadLetterSettings;
import dev.ferry.lifecycle.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates missing dead-letter topics at start, with as many partitions as their input topic. */
public final class DeadLetterTopics {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterTopics.class);

  private DeadLetterTopics() {}

  /**
   * Waits until the new topic's leader serves it: a producer that sends into the short window
   * before that can have its first batch refused and retry it out of sequence until it expires.
   * ListOffsets is answered by the serving replica and retried by the admin client until it is.
   */
  private static void awaitServed(Admin admin, NewTopic topic, Duration timeout, StopSignal pause)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < topic.numPartitions(); p++) {
      latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (pause.await(Duration.ofMillis(50))) {
        return; // stopping: the producer copes on its own, only slower
      }
    }
  }

  /**
   * Ensures the DLT of every input topic that exists. Input topics that do not exist yet are
   * skipped (their DLT is then created by the broker on first use, if it allows that).
   *
   * @param stop cuts the wait for new topics short
   * @return the DLT topics created
   */
  public static List<String> ensure(
      Admin admin,
      DeadLetterSettings settings,
      Collection<String> inputs,
      Duration timeout,
      StopSignal stop)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> existing =
        admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<String> presentInputs = inputs.stream().filter(existing::contains).toList();
    Map<String, TopicDescription> described =
        admin
            .describeTopics(presentInputs)
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (String input : presentInputs) {
      String dlt = settings.topicFor(input);
      if (!existing.contains(dlt) && missing.stream().noneMatch(t -> t.name().equals(dlt))) {
        int partitions = described.get(input).partitions().size();
        missing.add(new NewTopic(dlt, Optional.of(partitions), Optional.empty()));
      }
    }
    List<String> created = new ArrayList<>();
    for (NewTopic topic : missing) {
      if (createIfAbsent(admin, topic, timeout, stop)) {
        created.add(topic.name());
      }
    }
    return created;
  }

  /**
   * Creates {@code topic} unless it exists, and waits until its leader serves it.
   *
   * @return whether this call created it
   */
  public static boolean createIfAbsent(
      Admin admin, NewTopic topic, Duration timeout, StopSignal stop)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw e;
    }
    awaitServed(admin, topic, timeout, stop);
    log.info("created topic {} with {} partitions", topic.name(), topic.numPartitions());
    return true;
  }
}
