package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The load generator against a real (in-JVM) broker, read back with a plain consumer. */
class LoadGeneratorIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void everyRecordArrivesKeyedByUserAndTheGoodOnesReadBackAsTheSameEvents() {
    String topic = KAFKA.uniqueTopic("events");
    KAFKA.createTopic(topic, 6);

    LoadResult result =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(2_000)
            .badFraction(0.1)
            .seed(42)
            .users(100)
            .build()
            .run();

    assertThat(result.sent()).isEqualTo(2_000);
    assertThat(result.good()).hasSize(2_000 - result.bad());
    assertThat(result.goodCount()).isEqualTo(result.good().size());
    assertThat(result.bad()).isBetween(120, 280); // 10 % of 2,000, give or take

    List<ConsumerRecord<byte[], byte[]>> records = consumeAll(topic, 6, 2_000);
    assertThat(records).hasSize(2_000);

    // Per user, in offset order: the good records are exactly that user's good events, in the
    // order they were generated. Same key, same partition, so the order is kept.
    Map<String, List<Event>> readBack = new LinkedHashMap<>();
    Map<String, Integer> partitionOfUser = new HashMap<>();
    int bad = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String key = new String(record.key(), StandardCharsets.UTF_8);
      assertThat(key).matches("user-\\d{1,2}");
      assertThat(partitionOfUser.computeIfAbsent(key, k -> record.partition()))
          .as("partition of %s", key)
          .isEqualTo(record.partition());
      Event event = tryParse(new String(record.value(), StandardCharsets.UTF_8));
      if (event == null) {
        bad++;
        continue;
      }
      assertThat(event.userId()).isEqualTo(key);
      readBack.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
    }
    Map<String, List<Event>> expected = new LinkedHashMap<>();
    for (Event event : result.good()) {
      expected.computeIfAbsent(event.userId(), k -> new ArrayList<>()).add(event);
    }
    assertThat(bad).isEqualTo(result.bad());
    assertThat(readBack).isEqualTo(expected);
    assertThat(partitionOfUser.values().stream().distinct()).as("partitions used").hasSize(6);
  }

  @Test
  void aFixedRateSpacesTheRecords() {
    String topic = KAFKA.uniqueTopic("paced");
    KAFKA.createTopic(topic, 1);

    LoadResult result =
        LoadGenerator.builder(KAFKA.bootstrapServers())
            .topic(topic)
            .count(300)
            .ratePerSecond(1_000)
            .build()
            .run();

    // 300 records at 1,000/s: the last one is due 299 ms after the first, never earlier.
    assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(299));
    assertThat(consumeAll(topic, 1, 300)).hasSize(300);
  }

  private static Event tryParse(String json) {
    try {
      return Event.fromJson(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Reads the topic from the start, without a consumer group, until {@code expected} arrived. */
  private static List<ConsumerRecord<byte[], byte[]>> consumeAll(
      String topic, int partitions, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KAFKA.bootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> all =
          IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(all);
      consumer.seekToBeginning(all);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything beyond the expected count would be a duplicate: one more poll to catch it.
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }
}
