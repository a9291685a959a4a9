package dev.ferry.testkit.load;

import dev.ferry.testkit.CliLogging;
import dev.ferry.testkit.registry.SchemaRegistration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the example events of {@link EventSequence} (the same seed gives the same events as
 * {@link LoadGenerator}, all good) in Avro ({@link AvroEvents}), framed with the id a schema
 * registry gives {@code schemas/events.avsc} under the subject {@code TOPIC-value}, keyed by {@code
 * user_id}, as fast as an idempotent producer with {@code acks=all} can.
 *
 * <pre>
 * AvroEventGenerator --bootstrap HOST:PORT --topic T --count N --registry URL [--seed S] [--users U]
 * </pre>
 *
 * <p>{@code URL} is the registry's Confluent-compatible base URL. Prints {@code produced N Avro
 * records to T in X s, schema id I}. Exit code 0 when every record was acknowledged, 1 on failure,
 * 2 on bad usage.
 */
public final class AvroEventGenerator {

  static final String USAGE =
      "usage: AvroEventGenerator --bootstrap HOST:PORT --topic T --count N --registry URL"
          + " [--seed S] [--users U]";

  /** The command line, parsed. */
  record Args(String bootstrap, String topic, int count, String registry, long seed, int users) {

    /**
     * @throws IllegalArgumentException naming the first bad or missing option
     */
    static Args parse(String... args) {
      Map<String, String> options = new HashMap<>();
      List<String> known =
          List.of("--bootstrap", "--topic", "--count", "--registry", "--seed", "--users");
      for (int i = 0; i < args.length; i += 2) {
        if (!known.contains(args[i])) {
          throw new IllegalArgumentException("unknown option " + args[i]);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        options.put(args[i], args[i + 1]);
      }
      for (String required : List.of("--bootstrap", "--topic", "--count", "--registry")) {
        if (!options.containsKey(required)) {
          throw new IllegalArgumentException(
              "--bootstrap, --topic, --count and --registry are required");
        }
      }
      Args parsed =
          new Args(
              options.get("--bootstrap"),
              options.get("--topic"),
              number(options, "--count", "0"),
              options.get("--registry"),
              number(options, "--seed", "42"),
              number(options, "--users", "1000"));
      if (parsed.count < 0 || parsed.users < 1) {
        throw new IllegalArgumentException("--count must be >= 0 and --users >= 1");
      }
      return parsed;
    }

    private static int number(Map<String, String> options, String option, String otherwise) {
      String value = options.getOrDefault(option, otherwise);
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be a number, was '" + value + "'", e);
      }
    }
  }

  private AvroEventGenerator() {}

  public static void main(String[] argv) {
    CliLogging.quietKafka();
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("avro-event-generator: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    try {
      int id =
          SchemaRegistration.register(
              args.registry(), args.topic() + "-value", AvroEvents.schemaText(), "AVRO", List.of());
      long start = System.nanoTime();
      produce(args, id);
      System.out.printf(
          "produced %d Avro records to %s in %.2f s, schema id %d%n",
          args.count(),
          args.topic(),
          Duration.ofNanos(System.nanoTime() - start).toNanos() / 1e9,
          id);
    } catch (RuntimeException e) {
      System.err.println("avro-event-generator: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Sends the records and waits until the broker has acknowledged all of them.
   *
   * @throws IllegalStateException if a record was not acknowledged
   */
  static void produce(Args args, int schemaId) {
    EventSequence sequence = new EventSequence(args.seed(), args.users(), 0.0);
    AvroEvents avro = new AvroEvents(schemaId);
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = newProducer(args.bootstrap())) {
      for (int i = 0; i < args.count() && firstFailure.get() == null; i++) {
        GeneratedRecord record = sequence.next();
        producer.send(
            new ProducerRecord<>(args.topic(), record.keyBytes(), avro.framed(record.event())),
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
    if (firstFailure.get() != null || acknowledged.get() != args.count()) {
      throw new IllegalStateException(
          "only " + acknowledged.get() + " of " + args.count() + " records were acknowledged",
          firstFailure.get());
    }
  }

  private static KafkaProducer<byte[], byte[]> newProducer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-avro-event-generator");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
