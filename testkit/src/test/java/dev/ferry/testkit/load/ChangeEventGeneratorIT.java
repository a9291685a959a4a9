package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change event generator against a real (in-JVM) broker: every event arrives once, each key's
 * events in one partition in the order they were made, and what the run reports (keys, the sum of
 * each key's last seq) is what a consumer applying them all ends with.
 */
class ChangeEventGeneratorIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eachKeysEventsArriveInOrderInOnePartitionAndEndInTheReportedState() throws Exception {
    String topic = KAFKA.uniqueTopic("cdc");
    KAFKA.createTopic(topic, 12);

    ChangeEventGenerator.Result result =
        new ChangeEventGenerator(KAFKA.bootstrapServers(), topic)
            .run(new ChangeEventSequence(9, 300, "bench", "public", "events", true), 3_000);

    List<ConsumerRecord<String, String>> records = consumeAll(topic, 12, 3_000);
    assertThat(records).hasSize(3_000);
    Map<Long, Integer> partitionOfKey = new HashMap<>();
    Map<Long, Long> lastLsn = new HashMap<>();
    Map<Long, Long> lastSeq = new HashMap<>();
    for (ConsumerRecord<String, String> record : records) {
      long id = JSON.readTree(record.key()).path("payload").path("id").asLong();
      JsonNode payload = JSON.readTree(record.value()).path("payload");
      assertThat(partitionOfKey.computeIfAbsent(id, k -> record.partition()))
          .as("partition of %s", id)
          .isEqualTo(record.partition());
      Long previous = lastLsn.put(id, payload.path("source").path("lsn").asLong());
      assertThat(payload.path("op").asText()).isEqualTo(previous == null ? "c" : "u");
      if (previous != null) {
        assertThat(lastLsn.get(id)).isGreaterThan(previous);
      }
      lastSeq.put(id, payload.path("after").path("seq").asLong());
    }
    assertThat(result.sent()).isEqualTo(3_000);
    assertThat(result.keys()).isEqualTo(lastSeq.size());
    assertThat(result.seqSum())
        .isEqualTo(lastSeq.values().stream().mapToLong(Long::longValue).sum());
    assertThat(partitionOfKey.values().stream().distinct()).as("partitions used").hasSize(12);
  }

  /** Reads the topic from the start, without a consumer group, until {@code expected} arrived. */
  private static List<ConsumerRecord<String, String>> consumeAll(
      String topic, int partitions, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KAFKA.bootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
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
