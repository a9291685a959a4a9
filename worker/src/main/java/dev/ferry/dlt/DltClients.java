package dev.ferry.dlt;

import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients a {@code ferry dlt} command opens, configured by the caller (security, timeouts
 * and isolation as the config says). Each call returns a new client that the caller closes.
 */
public interface DltClients {
  Admin admin();

  /**
   * A {@code read_committed} consumer of dead-letter topics.
   *
   * @param group the consumer group that keeps a replay's progress; empty to keep none
   */
  Consumer<byte[], byte[]> dltConsumer(Optional<String> group);

  /**
   * A transactional producer for the copies of a replay, not yet initialised.
   *
   * @param transactionalId the replay's consumer group: a rerun under the same name fences the
   *     producers of earlier runs
   */
  Producer<byte[], byte[]> replayProducer(String transactionalId);
}
