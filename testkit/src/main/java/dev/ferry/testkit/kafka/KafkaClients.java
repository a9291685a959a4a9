package dev.ferry.testkit.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The clients a test uses to set a broker up and feed it: byte-array producers and admin clients,
 * created fresh for each call and closed by the caller. {@link KafkaBrokerExtension} and {@link
 * KafkaClusterExtension} hand them out for their broker.
 */
final class KafkaClients {

  private KafkaClients() {}

  /**
   * A producer of byte-array keys and values with {@code acks=all}, so a send that completed is on
   * the broker; {@code overrides} (for example {@code max.request.size}) win over the defaults.
   */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, ?> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.putAll(overrides);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** An admin client of the broker. */
  static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /**
   * Sends one record, its key and value in UTF-8 ({@code null} stays {@code null}: a record without
   * a key, a tombstone), and waits up to {@link BrokerAdmin#TIMEOUT} for the broker's
   * acknowledgement.
   *
   * @throws IllegalStateException if the broker refuses the record or does not acknowledge it in
   *     time
   */
  static RecordMetadata produce(String bootstrap, String topic, String key, String value) {
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, Map.of())) {
      return producer
          .send(new ProducerRecord<>(topic, bytes(key), bytes(value)))
          .get(BrokerAdmin.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not produce to " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no acknowledgement from " + topic + " within " + BrokerAdmin.TIMEOUT, e);
    }
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(UTF_8);
  }
}
