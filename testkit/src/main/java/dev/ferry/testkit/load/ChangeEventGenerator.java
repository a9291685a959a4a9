package dev.ferry.testkit.load;

import dev.ferry.testkit.CliLogging;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a backlog of Debezium change events ({@link ChangeEventSequence}) to a topic as fast as
 * the producer can, for scripts/bench's CDC run: creates and then updates over a key space, keyed
 * like Debezium ({@code {"id":…}}), so each key's events stay in order in one partition.
 *
 * <pre>
 * ChangeEventGenerator --bootstrap HOST:PORT --topic T --count N [--keys K] [--seed S]
 *                      [--topic-prefix bench] [--table public.events] [--schemas true|false]
 * </pre>
 *
 * {@code --keys} defaults to a quarter of {@code --count}, so most events are updates. Prints one
 * line: {@code produced N change events to T in X s: keys=K creates=C updates=U seq_sum=S}, where
 * {@code keys} is how many rows the target ends with and {@code seq_sum} the sum of their {@code
 * seq} (each key's last event), the state a consumer that applied everything reaches. Exit code 0
 * once every event was acknowledged ({@code acks=all}, idempotent), 1 on failure, 2 on bad usage.
 */
public final class ChangeEventGenerator {

  /**
   * What a run sent, every event acknowledged.
   *
   * @param keys distinct keys, each with one create ({@code c}) and its other events updates
   * @param seqSum the sum of each key's last {@code seq}
   */
  public record Result(long sent, long keys, long seqSum, Duration elapsed) {}

  private final String bootstrapServers;
  private final String topic;

  public ChangeEventGenerator(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /**
   * Sends {@code count} events of {@code sequence} and waits until the broker has acknowledged all
   * of them.
   *
   * @throws IllegalStateException if an event could not be sent
   */
  public Result run(ChangeEventSequence sequence, long count) {
    long[] lastSeq = new long[sequence.keys() + 1];
    long creates = 0;
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = newProducer()) {
      for (long i = 0; i < count && firstFailure.get() == null; i++) {
        ChangeEvent event = sequence.next();
        lastSeq[(int) event.id()] = event.seq();
        creates += "c".equals(event.op()) ? 1 : 0;
        producer.send(
            new ProducerRecord<>(topic, event.keyBytes(), event.valueBytes()),
            (metadata, exception) -> {
              if (exception == null) {
                acknowledged.incrementAndGet();
              } else {
                firstFailure.compareAndSet(null, exception);
              }
            });
      }
      producer.flush();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (firstFailure.get() != null || acknowledged.get() != count) {
      throw new IllegalStateException(
          "only " + acknowledged.get() + " of " + count + " change events reached " + topic,
          firstFailure.get());
    }
    long seqSum = 0;
    for (long seq : lastSeq) {
      seqSum += seq;
    }
    return new Result(count, creates, seqSum, elapsed);
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-change-event-generator");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    // values with the schema wrapper are about 3.8 KB: batches of about 60 of them
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static void main(String[] argv) {
    CliLogging.quietKafka();
    ChangeEventGeneratorArgs args;
    try {
      args = ChangeEventGeneratorArgs.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("change-event-generator: " + e.getMessage());
      System.err.println(ChangeEventGeneratorArgs.USAGE);
      System.exit(2);
      return;
    }
    try {
      Result result =
          new ChangeEventGenerator(args.bootstrap(), args.topic())
              .run(args.sequence(), args.count());
      System.out.printf(
          "produced %d change events to %s in %.2f s: keys=%d creates=%d updates=%d seq_sum=%d%n",
          result.sent(),
          args.topic(),
          result.elapsed().toNanos() / 1e9,
          result.keys(),
          result.keys(),
          result.sent() - result.keys(),
          result.seqSum());
    } catch (RuntimeException e) {
      System.err.println("change-event-generator: " + e.getMessage());
      System.exit(1);
    }
  }
}
