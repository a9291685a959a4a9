package dev.ferry.testkit.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits on the change topics Debezium writes: until a topic holds a number of records, or until an
 * event matching a condition is on it. Each wait reads the topic from its beginning with a consumer
 * of its own (no group, no offsets committed) and ends at its deadline with an {@link
 * AssertionError} that says what it saw. The topic must exist: create it before the connector
 * starts (one partition keeps a table's truncate events in order with its other events).
 */
public final class ChangeTopics {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);

  private ChangeTopics() {}

  /**
   * Waits until {@code topic} holds at least {@code count} records (tombstones included).
   *
   * @return the records counted, at least {@code count}
   */
  public static long awaitCount(String bootstrap, String topic, long count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    long seen = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrap, topic)) {
      while (seen < count) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(
              topic + " holds " + seen + " records after " + timeout + ", expected " + count);
        }
        seen += consumer.poll(POLL).count();
      }
    }
    return seen;
  }

  /**
   * Waits until a change event on {@code topic} matches {@code event}, which sees the event's
   * payload (the value without the Connect schema wrapper); tombstones are passed over.
   */
  public static void awaitEvent(
      String bootstrap, String topic, Predicate<JsonNode> event, String what, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    long seen = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrap, topic)) {
      while (Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          seen++;
          if (r.value() != null && event.test(payload(r.value()))) {
            return;
          }
        }
      }
    }
    throw new AssertionError(
        "no event " + what + " among " + seen + " records of " + topic + " within " + timeout);
  }

  /** A change event's payload: the value itself, or its {@code payload} with schemas on. */
  public static JsonNode payload(byte[] value) {
    try {
      JsonNode node = JSON.readTree(value);
      return node.has("schema") && node.has("payload") ? node.get("payload") : node;
    } catch (IOException e) {
      throw new UncheckedIOException("a change event that is not JSON", e);
    }
  }

  private static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrap, String topic) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("no topic " + topic + ": create it before the connector");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }
}
