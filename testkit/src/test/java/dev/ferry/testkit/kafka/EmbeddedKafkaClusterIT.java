package dev.ferry.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.testkit.net.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two brokers, one of which the test takes away from clients (cut, or black-holed) while the other,
 * and a consumer group it coordinates, keep working.
 */
class EmbeddedKafkaClusterIT {

  @RegisterExtension static final KafkaClusterExtension KAFKA = new KafkaClusterExtension(2);

  /** Short client deadlines, so that a send to the lost broker fails within seconds. */
  private static final int REQUEST_TIMEOUT_MS = 2_000;

  private static final int DELIVERY_TIMEOUT_MS = 3_000;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private int healthy;
  private int lost;
  private String onHealthy;
  private String onLost;

  @BeforeEach
  void topicOnEachBroker() {
    healthy = KAFKA.brokerIds().get(0);
    lost = KAFKA.brokerIds().get(1);
    onHealthy = KAFKA.uniqueTopic("on-healthy");
    onLost = KAFKA.uniqueTopic("on-lost");
    KAFKA.createTopic(onHealthy, 2, healthy);
    KAFKA.createTopic(onLost, 2, lost);
  }

  @Test
  void clientsSeeEachBrokerAtItsProxyAndTheGroupAtItsCoordinator() throws Exception {
    String group = KAFKA.groupCoordinatedBy(healthy, "ferry-it");
    try (KafkaProducer<String, String> producer = producer();
        KafkaConsumer<String, String> consumer = consumer(group);
        Admin direct = directAdmin()) {
      assertThat(KAFKA.bootstrapServers())
          .isEqualTo(
              "127.0.0.1:"
                  + KAFKA.proxy(healthy).port()
                  + ",127.0.0.1:"
                  + KAFKA.proxy(lost).port());
      for (PartitionInfo p : producer.partitionsFor(onLost)) {
        assertThat(p.leader().id()).isEqualTo(lost);
        assertThat(p.leader().host()).isEqualTo("127.0.0.1");
        assertThat(p.leader().port()).isEqualTo(KAFKA.proxy(lost).port());
      }
      assertThat(producer.partitionsFor(onHealthy))
          .allSatisfy(p -> assertThat(p.leader().port()).isEqualTo(KAFKA.proxy(healthy).port()));

      consumer.subscribe(List.of(onHealthy));
      producer.send(new ProducerRecord<>(onHealthy, "k", "v")).get(10, TimeUnit.SECONDS);
      assertThat(pollAndCommit(consumer, 1)).containsExactly("v");
      assertThat(
              direct
                  .describeConsumerGroups(List.of(group))
                  .describedGroups()
                  .get(group)
                  .get(10, TimeUnit.SECONDS)
                  .coordinator()
                  .id())
          .isEqualTo(healthy);
    }
    assertThat(KAFKA.groupCoordinatedBy(healthy, "ferry-it")).isNotEqualTo(group);
    assertThat(KAFKA.groupCoordinatedBy(lost, "ferry-it")).startsWith("ferry-it-");
    assertThatThrownBy(() -> KAFKA.proxy(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no broker 7; brokers are [0, 1]");
  }

  @Test
  void aCutBrokerFailsItsSendsWhileTheOtherBrokerAndItsGroupKeepWorking() throws Exception {
    losingABroker(TcpProxy::cut);
  }

  @Test
  void aBlackHoledBrokerTimesOutItsSendsWhileTheOtherBrokerAndItsGroupKeepWorking()
      throws Exception {
    losingABroker(TcpProxy::blackHole);
  }

  private void losingABroker(Consumer<TcpProxy> loseIt) throws Exception {
    String group = KAFKA.groupCoordinatedBy(healthy, "ferry-it");
    try (KafkaProducer<String, String> producer = producer();
        KafkaConsumer<String, String> consumer = consumer(group);
        Admin direct = directAdmin()) {
      consumer.subscribe(List.of(onHealthy));
      send(producer, onLost, "before").get(10, TimeUnit.SECONDS);
      send(producer, onHealthy, "before").get(10, TimeUnit.SECONDS);
      assertThat(pollAndCommit(consumer, 1)).containsExactly("before");

      loseIt.accept(KAFKA.proxy(lost));
      Future<RecordMetadata> toLost = send(producer, onLost, "during");
      send(producer, onHealthy, "during").get(10, TimeUnit.SECONDS);
      assertThat(pollAndCommit(consumer, 1)).containsExactly("during");
      assertThat(committed(direct, group)).isEqualTo(2);
      assertThatThrownBy(() -> toLost.get(DELIVERY_TIMEOUT_MS + 10_000, TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);

      KAFKA.proxy(lost).restore();
      // Acknowledged with acks=all by the lost broker, after "before" in the same partition.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(send(producer, onLost, "after").get(10, TimeUnit.SECONDS).offset())
                      .isPositive());
    }
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<String, String> producer, String topic, String value) {
    // Key "k": every record of a topic goes to one partition, so each test reads in order.
    return producer.send(new ProducerRecord<>(topic, "k", value));
  }

  /** Polls until {@code count} records arrived (or {@link #WAIT} passed), then commits them. */
  private static List<String> pollAndCommit(KafkaConsumer<String, String> consumer, int count) {
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (values.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        values.add(record.value());
      }
    }
    consumer.commitSync(Duration.ofSeconds(10));
    return values;
  }

  /** The group's committed offset, summed over its partitions, read past the proxies. */
  private static long committed(Admin direct, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        direct
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  private static KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KAFKA.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            REQUEST_TIMEOUT_MS,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            DELIVERY_TIMEOUT_MS,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            5_000),
        new StringSerializer(),
        new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(String group) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KAFKA.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000),
        new StringDeserializer(),
        new StringDeserializer());
  }

  private static Admin directAdmin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.directBootstrapServers()));
  }
}
