package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * Ferry's consumers never let the broker auto-create a topic they subscribe to, even when
 * client-properties ask for it: a misspelled input topic must not appear with one partition.
 */
class NoTopicAutoCreationTest {
  private final KafkaClients clients =
      new KafkaClients(
          new KafkaSettings(
              "127.0.0.1:9092",
              "g",
              Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true")),
          Duration.ofSeconds(30));

  @Test
  void theInputConsumerDoesNotAutoCreateTopics() {
    assertThat(clients.consumerProperties())
        .containsEntry(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
  }
}
