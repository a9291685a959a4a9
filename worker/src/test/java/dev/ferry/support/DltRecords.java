package dev.ferry.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.deadletter.DeadLetterHeaders;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes dead letters as Ferry writes them, for tests of the DLT tools that need many fast. */
public final class DltRecords implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;

  public DltRecords(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** One dead letter of {@code originalTopic}-0 at {@code offset}, failed for {@code reason}. */
  public void send(
      String dlt, String originalTopic, long offset, String reason, int replays, String value)
      throws Exception {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(dlt, ("k" + offset).getBytes(UTF_8), value.getBytes(UTF_8));
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, originalTopic.getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_PARTITION, "0".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(offset).getBytes(UTF_8))
        .add(DeadLetterHeaders.REASON, reason.getBytes(UTF_8))
        .add(DeadLetterHeaders.STAGE, "sink".getBytes(UTF_8))
        .add(DeadLetterHeaders.PIPELINE, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.FAILED_AT, "2026-11-25T10:00:00Z".getBytes(UTF_8))
        .add(DeadLetterHeaders.REPLAY_COUNT, Integer.toString(replays).getBytes(UTF_8))
        .add("traceparent", "00-abc-01".getBytes(UTF_8));
    producer.send(r);
  }

  @Override
  public void close() {
    producer.flush();
    producer.close();
  }
}
