package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.KafkaSettings;
import dev.ferry.config.KafkaTimeouts;
import dev.ferry.dispatch.MemoryPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {
  private final KafkaClients clients =
      new KafkaClients(new KafkaSettings("broker-1:9093", "g", Map.of()), Duration.ofSeconds(30));

  /** Clients with the given timeouts, read back through Kafka's own config classes. */
  private static KafkaClients clients(KafkaTimeouts timeouts, Duration deadLetterSend) {
    return new KafkaClients(
        new KafkaSettings("127.0.0.1:9092", "g", Map.of("max.poll.records", "50"), timeouts),
        deadLetterSend);
  }

  /**
   * The (de)serializers Ferry passes as objects, so that Kafka's config classes accept the rest.
   */
  private static Map<String, Object> withSerde(Map<String, Object> props) {
    Map<String, Object> all = new HashMap<>(props);
    all.put("key.serializer", ByteArraySerializer.class);
    all.put("value.serializer", ByteArraySerializer.class);
    all.put("key.deserializer", ByteArrayDeserializer.class);
    all.put("value.deserializer", ByteArrayDeserializer.class);
    return all;
  }

  @Test
  void configProviderReferencesAreResolvedByEveryClient(@TempDir Path dir) throws Exception {
    Path secrets = Files.writeString(dir.resolve("kafka.properties"), "id=from-a-file\n");
    String reference = "${file:" + secrets + ":id}";
    KafkaClients withProvider =
        new KafkaClients(
            new KafkaSettings(
                "127.0.0.1:9092",
                "g",
                Map.of(
                    "config.providers",
                    "file",
                    "config.providers.file.class",
                    "org.apache.kafka.common.config.provider.FileConfigProvider",
                    "client.id",
                    reference)),
            Duration.ofSeconds(30));

    assertThat(
            new ConsumerConfig(withSerde(withProvider.consumerProperties()))
                .getString(ConsumerConfig.CLIENT_ID_CONFIG))
        .isEqualTo("from-a-file");
    assertThat(
            new ProducerConfig(withSerde(withProvider.deadLetterProducerProperties()))
                .getString(ProducerConfig.CLIENT_ID_CONFIG))
        .isEqualTo("from-a-file");
    assertThat(
            new AdminClientConfig(withProvider.adminProperties())
                .getString(AdminClientConfig.CLIENT_ID_CONFIG))
        .isEqualTo("from-a-file");
  }

  @Test
  void theKafkaTimeoutsReachEveryClient() {
    KafkaClients custom =
        clients(
            new KafkaTimeouts(
                Duration.ofSeconds(12), Duration.ofSeconds(40), Duration.ofSeconds(3)),
            Duration.ofSeconds(25));

    ConsumerConfig consumer = new ConsumerConfig(withSerde(custom.consumerProperties()));
    assertThat(consumer.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12_000);
    assertThat(consumer.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)).isEqualTo(40_000);
    assertThat(consumer.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG)).isEqualTo(50);

    AdminClientConfig admin = new AdminClientConfig(custom.adminProperties());
    assertThat(admin.getInt(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12_000);
    assertThat(admin.getInt(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)).isEqualTo(40_000);

    ProducerConfig deadLetters =
        new ProducerConfig(withSerde(custom.deadLetterProducerProperties()));
    assertThat(deadLetters.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(25_000);
    assertThat(deadLetters.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isEqualTo(25_000);
    assertThat(deadLetters.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(12_000);
    assertThat(deadLetters.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
  }

  @Test
  void theTopicRefreshIntervalIsTheConsumersMetadataMaxAge() {
    KafkaClients refreshing =
        new KafkaClients(
            new KafkaSettings(
                "localhost:9092", "g", Map.of(), KafkaTimeouts.DEFAULTS, Duration.ofSeconds(2)),
            Duration.ofSeconds(30));

    ConsumerConfig consumer = new ConsumerConfig(withSerde(refreshing.consumerProperties()));
    assertThat(consumer.getLong(ConsumerConfig.METADATA_MAX_AGE_CONFIG)).isEqualTo(2_000);
    assertThat(
            new ConsumerConfig(withSerde(clients.consumerProperties()))
                .getLong(ConsumerConfig.METADATA_MAX_AGE_CONFIG))
        .as("the default, 30s")
        .isEqualTo(30_000);
  }

  @Test
  void theDeadLetterProducerTakesTheLargestDeadLetterAnyDltMayNeed() {
    ProducerConfig raised =
        new ProducerConfig(withSerde(clients.deadLetterProducerProperties(2_162_688)));
    assertThat(raised.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isEqualTo(2_162_688);
    assertThat(raised.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG)).isEqualTo(32L * 1024 * 1024);

    ProducerConfig huge =
        new ProducerConfig(withSerde(clients.deadLetterProducerProperties(64 * 1024 * 1024)));
    assertThat(huge.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG))
        .as("the buffer holds at least one dead letter")
        .isEqualTo(64L * 1024 * 1024);

    // A larger limit in client-properties is kept; Ferry's only raises it.
    KafkaClients generous =
        new KafkaClients(
            new KafkaSettings("b:9092", "g", Map.of("max.request.size", "8388608")),
            Duration.ofSeconds(30));
    ProducerConfig kept =
        new ProducerConfig(withSerde(generous.deadLetterProducerProperties(1_114_124)));
    assertThat(kept.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)).isEqualTo(8_388_608);
  }

  @Test
  void aShortDeadLetterSendTimeoutShortensItsRequestTimeoutSoKafkaAcceptsIt() {
    KafkaClients custom = clients(KafkaTimeouts.DEFAULTS, Duration.ofSeconds(2));

    // ProducerConfig refuses delivery.timeout.ms < linger.ms + request.timeout.ms.
    ProducerConfig deadLetters =
        new ProducerConfig(withSerde(custom.deadLetterProducerProperties()));
    assertThat(deadLetters.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(2_000);
    assertThat(deadLetters.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(1_995);
  }

  @Test
  void aLongRequestTimeoutStillMakesAValidReplayProducer() {
    KafkaClients custom =
        clients(
            new KafkaTimeouts(Duration.ofMinutes(3), Duration.ofMinutes(4), Duration.ofSeconds(10)),
            Duration.ofMinutes(5));

    ProducerConfig replay = new ProducerConfig(withSerde(custom.replayProducerProperties("r")));
    assertThat(replay.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(180_000);
    assertThat(replay.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(181_000);
    assertThat(
            clients(KafkaTimeouts.DEFAULTS, Duration.ofSeconds(30)).replayProducerProperties("r"))
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
  }

  @Test
  void aRefusedSaslLoginInsideAnAdminFutureIsNamedWithTheBroker() {
    var failure =
        new ExecutionException(new SaslAuthenticationException("invalid credentials (SCRAM)"));

    assertThat(clients.authenticationFailure(failure))
        .contains(
            "Kafka at broker-1:9093 refused the client's credentials: invalid credentials (SCRAM);"
                + " check security.protocol, sasl.* and ssl.* in kafka.client-properties");
  }

  @Test
  void aFailedTlsHandshakeCountsAsARefusal() {
    var failure = new KafkaException("wrapped", new SslAuthenticationException("SSL handshake"));

    assertThat(clients.authenticationFailure(failure)).get().asString().contains("SSL handshake");
  }

  @Test
  void otherFailuresAreNotRefusals() {
    assertThat(clients.authenticationFailure(new TimeoutException("no answer"))).isEmpty();
    assertThat(clients.authenticationFailure(new KafkaException("Failed to create"))).isEmpty();
  }

  @Test
  void theConsumersFetchesAreSizedFromTheMemoryBudgetKeepingSmallerUserValues() {
    MemoryPlan plan = MemoryPlan.of(16L * 1024 * 1024, 4);
    ConsumerConfig sized = new ConsumerConfig(withSerde(clients.consumerProperties(plan)));
    assertThat(sized.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG)).isEqualTo(2 * 1024 * 1024);
    assertThat(sized.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG))
        .isEqualTo(1024 * 1024);

    KafkaClients tuned =
        new KafkaClients(
            new KafkaSettings(
                "127.0.0.1:9092",
                "g",
                Map.of("fetch.max.bytes", "104857600", "max.partition.fetch.bytes", "65536")),
            Duration.ofSeconds(30));
    ConsumerConfig capped = new ConsumerConfig(withSerde(tuned.consumerProperties(plan)));
    assertThat(capped.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG))
        .as("larger than the budget allows: lowered")
        .isEqualTo(2 * 1024 * 1024);
    assertThat(capped.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG))
        .as("smaller: kept")
        .isEqualTo(65536);
  }
}
