package dev.ferry.dlt;

import dev.ferry.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads dead-letter topics from given offsets up to their end offsets as they were when the {@link
 * Scope} was taken: records that arrive later are not part of the read. Every wait on Kafka is
 * bounded by {@code kafka.api-timeout}: each admin call, and a read that gets no record for that
 * long while records are still due. Not thread-safe (it drives one consumer).
 */
public final class DltScanner {
  /**
   * How long one poll blocks: how often a read checks for a stall, not a deadline (that is the
   * timeout).
   */
  private static final Duration POLL = Duration.ofMillis(500);

  private final Consumer<byte[], byte[]> consumer;
  private final Admin admin;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param timeout {@code kafka.api-timeout}: bounds each admin call and a read without progress
   * @param clock measures how long a read went without progress
   */
  public DltScanner(Consumer<byte[], byte[]> consumer, Admin admin, Duration timeout, Clock clock) {
    this.consumer = consumer;
    this.admin = admin;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The partitions of some DLTs, with their first and end offsets when it was taken. */
  public record Scope(
      List<String> topics, Map<TopicPartition, Long> beginning, Map<TopicPartition, Long> end) {
    /** Records in the scope (deleted and compacted ones aside). */
    public long size() {
      long n = 0;
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        n += e.getValue() - beginning.get(e.getKey());
      }
      return n;
    }

    public int partitions(String topic) {
      return (int) end.keySet().stream().filter(tp -> tp.topic().equals(topic)).count();
    }
  }

  /** What to do with each record read. */
  public interface Visitor {
    /**
     * @return false to stop reading
     */
    boolean record(ConsumerRecord<byte[], byte[]> record) throws Exception;

    /**
     * Called after the records of one poll were visited, with the offset to resume from in each
     * partition read so far (never beyond the scope's end).
     */
    default void polled(Map<TopicPartition, Long> resumeAt) throws Exception {}
  }

  /**
   * Describes the topics and takes their offsets now.
   *
   * @throws DltException naming every topic that does not exist
   */
  public Scope scope(List<String> topics) throws DltException, InterruptedException {
    Map<String, TopicDescription> described = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String topic : topics) {
      try {
        described.putAll(
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(topic);
        } else {
          throw new DltException("cannot describe topic " + topic + ": " + e.getCause(), e);
        }
      } catch (TimeoutException e) {
        throw new DltException(
            "Kafka did not answer within "
                + Durations.format(timeout)
                + " (kafka.api-timeout) describing "
                + topic,
            e);
      }
    }
    if (!missing.isEmpty()) {
      throw new DltException(
          (missing.size() == 1 ? "topic " : "topics ")
              + String.join(", ", missing)
              + (missing.size() == 1 ? " does not exist" : " do not exist"));
    }
    List<TopicPartition> partitions = new ArrayList<>();
    described
        .values()
        .forEach(
            d ->
                d.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
    return new Scope(
        List.copyOf(topics),
        offsets(partitions, OffsetSpec.earliest()),
        offsets(partitions, OffsetSpec.latest()));
  }

  /**
   * Offsets through the admin client: asking the consumer for partitions it is not assigned makes
   * it log a warning per partition under read_committed.
   */
  private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
      throws DltException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    try {
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> out.put(tp, info.offset()));
      return Map.copyOf(out);
    } catch (ExecutionException | TimeoutException e) {
      throw new DltException("cannot read the offsets of " + partitions + ": " + e, e);
    }
  }

  /**
   * Reads each partition of {@code scope} from {@code start} (its first offset when absent) to the
   * scope's end.
   *
   * @throws DltException when Kafka returns nothing for the timeout while records are still due
   */
  public void scan(Scope scope, Map<TopicPartition, Long> start, Visitor visitor) throws Exception {
    Map<TopicPartition, Long> from = new HashMap<>();
    for (TopicPartition tp : scope.end().keySet()) {
      long at = Math.max(start.getOrDefault(tp, 0L), scope.beginning().get(tp));
      if (at < scope.end().get(tp)) {
        from.put(tp, at);
      }
    }
    if (from.isEmpty()) {
      return;
    }
    consumer.assign(from.keySet());
    consumer.resume(from.keySet()); // paused at their end by an earlier scan
    from.forEach(consumer::seek);
    Set<TopicPartition> open = new HashSet<>(from.keySet());
    Map<TopicPartition, Long> resumeAt = new HashMap<>(from);
    Instant lastProgress = clock.instant();
    while (!open.isEmpty()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      for (ConsumerRecord<byte[], byte[]> r : records) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        long end = scope.end().get(tp);
        if (r.offset() >= end) {
          continue; // arrived after the scope was taken
        }
        if (!visitor.record(r)) {
          return;
        }
        resumeAt.put(tp, r.offset() + 1);
      }
      for (TopicPartition tp : List.copyOf(open)) {
        long position = consumer.position(tp);
        long end = scope.end().get(tp);
        if (position >= end) {
          resumeAt.put(tp, end);
          open.remove(tp);
          consumer.pause(List.of(tp));
        }
      }
      if (!records.isEmpty()) {
        lastProgress = clock.instant();
        visitor.polled(Map.copyOf(resumeAt));
      } else if (open.isEmpty()) {
        visitor.polled(Map.copyOf(resumeAt));
      } else if (Duration.between(lastProgress, clock.instant()).compareTo(timeout) > 0) {
        throw new DltException(
            "reading "
                + open
                + " stalled: no records for "
                + Durations.format(timeout)
                + " (kafka.api-timeout)");
      }
    }
  }
}
