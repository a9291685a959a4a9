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
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing dead-letter topics at start, with as many partitions as their input topic and
 * room for its largest record plus Ferry's headers.
 */
public final class DeadLetterTopics {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterTopics.class);
  private static final String MAX_MESSAGE_BYTES = TopicConfig.MAX_MESSAGE_BYTES_CONFIG;

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
   * What {@link #ensure} found and did.
   *
   * @param created the DLT topics it created
   * @param largestDeadLetter the largest dead letter any of the DLTs may need to take, in bytes:
   *     the largest input topic's {@code max.message.bytes} plus {@link MessageSizes#HEADER_ROOM},
   *     or an existing DLT's larger limit; the dead-letter producer's {@code max.request.size} must
   *     be at least this
   */
  public record Ensured(List<String> created, int largestDeadLetter) {}

  /**
   * Ensures the DLT of every input topic that exists, created with as many partitions as its input
   * topic and a {@code max.message.bytes} that takes any record of the input topic with Ferry's
   * headers (the input topic's effective limit, which may be the broker's default, plus {@link
   * MessageSizes#HEADER_ROOM}). An existing DLT is left as it is, whatever its limit ({@code ferry
   * check} warns when it is smaller than its input topic's). Input topics that do not exist yet are
   * skipped (their DLT is then created by the broker on first use, if it allows that).
   *
   * @param stop cuts the wait for new topics short
   */
  public static Ensured ensure(
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
    List<String> existingDlts =
        presentInputs.stream().map(settings::topicFor).filter(existing::contains).toList();
    List<String> sized = new ArrayList<>(presentInputs);
    sized.addAll(existingDlts);
    Map<String, Integer> limits = MessageSizes.maxMessageBytes(admin, sized, timeout);
    int largest = MessageSizes.DEFAULT_MAX_REQUEST_SIZE;
    List<NewTopic> missing = new ArrayList<>();
    for (String input : presentInputs) {
      String dlt = settings.topicFor(input);
      int needed =
          MessageSizes.deadLetterLimitFor(
              limits.getOrDefault(input, MessageSizes.DEFAULT_MAX_REQUEST_SIZE));
      largest = Math.max(largest, needed);
      if (existing.contains(dlt)) {
        largest = Math.max(largest, limits.getOrDefault(dlt, 0));
        continue;
      }
      Optional<NewTopic> already = missing.stream().filter(t -> t.name().equals(dlt)).findFirst();
      if (already.isPresent()) {
        // Two input topics share one DLT: it takes the larger of their records.
        int other = Integer.parseInt(already.get().configs().get(MAX_MESSAGE_BYTES));
        already.get().configs().put(MAX_MESSAGE_BYTES, Integer.toString(Math.max(other, needed)));
        continue;
      }
      int partitions = described.get(input).partitions().size();
      Map<String, String> configs = new HashMap<>();
      configs.put(MAX_MESSAGE_BYTES, Integer.toString(needed));
      missing.add(new NewTopic(dlt, Optional.of(partitions), Optional.empty()).configs(configs));
    }
    List<String> created = new ArrayList<>();
    for (NewTopic topic : missing) {
      if (createIfAbsent(admin, topic, timeout, stop)) {
        created.add(topic.name());
      }
    }
    return new Ensured(List.copyOf(created), largest);
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
    log.info(
        "created topic {} with {} partitions{}",
        topic.name(),
        topic.numPartitions(),
        topic.configs() == null || topic.configs().isEmpty() ? "" : " and " + topic.configs());
    return true;
  }
}
