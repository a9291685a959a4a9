package dev.ferry.testkit.load;

import dev.ferry.testkit.CliLogging;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a deterministic stream of example events ({@link EventSequence}) to a topic, keyed by
 * {@code user_id}, with an optional share of bad records and an optional fixed rate.
 *
 * <pre>{@code
 * LoadResult result = LoadGenerator.builder(bootstrapServers)
 *     .topic("events").count(10_000).ratePerSecond(0).badFraction(0.0).seed(42).users(1000)
 *     .build().run();
 * }</pre>
 *
 * <p>The producer is idempotent with {@code acks=all}, so each record is written once, in order per
 * key. {@link #run()} returns after the final flush, once every record is acknowledged, and throws
 * if any was not. A generator is for one run on one thread; build another for another run.
 */
public final class LoadGenerator {

  private final String bootstrapServers;
  private final String topic;
  private final int count;
  private final double ratePerSecond;
  private final double badFraction;
  private final long seed;
  private final int users;
  private final boolean retainGood;
  private final Map<String, Object> producerOverrides;

  private LoadGenerator(Builder builder) {
    this.bootstrapServers = builder.bootstrapServers;
    this.topic = builder.topic;
    this.count = builder.count;
    this.ratePerSecond = builder.ratePerSecond;
    this.badFraction = builder.badFraction;
    this.seed = builder.seed;
    this.users = builder.users;
    this.retainGood = builder.retainGood;
    this.producerOverrides = Map.copyOf(builder.producerOverrides);
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /**
   * Starts {@link #run()} on a new thread ({@code load-generator}), for a load that keeps arriving
   * while a test does something else; join the thread to wait for the last acknowledgement.
   */
  public Thread runInBackground() {
    Thread thread = new Thread(this::run, "load-generator");
    thread.start();
    return thread;
  }

  /**
   * Sends the records and waits until the broker has acknowledged all of them.
   *
   * @throws IllegalStateException if a record could not be sent, or the thread was interrupted (the
   *     interrupt flag is kept)
   */
  public LoadResult run() {
    EventSequence sequence = new EventSequence(seed, users, badFraction);
    List<Event> good = new ArrayList<>(retainGood ? count : 0);
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    long goodCount = 0;
    int bad = 0;
    long intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
    long startNanos = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = newProducer()) {
      for (int i = 0; i < count && firstFailure.get() == null; i++) {
        if (intervalNanos > 0) {
          awaitSlot(startNanos + i * intervalNanos, i);
        }
        GeneratedRecord record = sequence.next();
        producer.send(
            new ProducerRecord<>(topic, record.keyBytes(), record.valueBytes()),
            (metadata, exception) -> {
              if (exception == null) {
                acknowledged.incrementAndGet();
              } else {
                firstFailure.compareAndSet(null, exception);
              }
            });
        if (record.isGood()) {
          goodCount++;
          if (retainGood) {
            good.add(record.event());
          }
        } else {
          bad++;
        }
      }
      producer.flush();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    if (firstFailure.get() != null || acknowledged.get() != goodCount + bad) {
      throw new IllegalStateException(
          "only "
              + acknowledged.get()
              + " of "
              + (goodCount + bad)
              + " records were acknowledged by "
              + topic,
          firstFailure.get());
    }
    return new LoadResult(good, goodCount, bad, acknowledged.get(), elapsed);
  }

  /** Parks until {@code slotNanos}, the send time of record {@code i} at the fixed rate. */
  private static void awaitSlot(long slotNanos, int i) {
    long wait;
    while ((wait = slotNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted after " + i + " records");
      }
    }
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-load-generator");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    config.putAll(producerOverrides);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Command line for scripts: {@code --bootstrap HOST:PORT --topic T --count N [--rate R]
   * [--bad-fraction F] [--seed S] [--users U]}. Prints {@code produced N records (G good, B bad) to
   * T in X s}. Exit code 0 when every record was acknowledged, 1 on failure, 2 on bad usage.
   */
  public static void main(String[] args) {
    CliLogging.quietKafka();
    LoadGeneratorArgs parsed;
    try {
      parsed = LoadGeneratorArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load-generator: " + e.getMessage());
      System.err.println(LoadGeneratorArgs.USAGE);
      System.exit(2);
      return;
    }
    try {
      LoadResult result = parsed.toBuilder().retainGood(false).build().run();
      System.out.printf(
          "produced %d records (%d good, %d bad) to %s in %.2f s%n",
          result.sent(),
          result.goodCount(),
          result.bad(),
          parsed.topic(),
          result.elapsed().toNanos() / 1e9);
    } catch (RuntimeException e) {
      System.err.println("load-generator: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Settings of a {@link LoadGenerator}. Not thread-safe. */
  public static final class Builder {
    private final String bootstrapServers;
    private String topic = "events";
    private int count = 10_000;
    private double ratePerSecond;
    private double badFraction;
    private long seed = 42;
    private int users = 1_000;
    private boolean retainGood = true;
    private final Map<String, Object> producerOverrides = new HashMap<>();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    }

    /** Default {@code events}. */
    public Builder topic(String topic) {
      this.topic = Objects.requireNonNull(topic, "topic");
      return this;
    }

    /** Records to send, good and bad together. Default 10,000. */
    public Builder count(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0, was " + count);
      }
      this.count = count;
      return this;
    }

    /** Records per second, evenly spaced; 0 (the default) sends as fast as the producer can. */
    public Builder ratePerSecond(double ratePerSecond) {
      if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
        throw new IllegalArgumentException("ratePerSecond must be >= 0, was " + ratePerSecond);
      }
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    /** Share of records sent in a bad form ({@link BadRecordKind}), in [0, 1]. Default 0. */
    public Builder badFraction(double badFraction) {
      if (!(badFraction >= 0.0 && badFraction <= 1.0)) {
        throw new IllegalArgumentException("badFraction must be in [0, 1], was " + badFraction);
      }
      this.badFraction = badFraction;
      return this;
    }

    /** Seed of the records' contents and of which ones are bad. Default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Distinct user ids ({@code user-0} …), hence distinct keys. Default 1,000. */
    public Builder users(int users) {
      if (users < 1) {
        throw new IllegalArgumentException("users must be >= 1, was " + users);
      }
      this.users = users;
      return this;
    }

    /**
     * Whether {@link LoadResult#good()} lists the good events (default true). Turn it off for large
     * runs: a million events take several hundred MB.
     */
    public Builder retainGood(boolean retainGood) {
      this.retainGood = retainGood;
      return this;
    }

    /** A producer setting to add or override, e.g. {@code compression.type}. */
    public Builder producerProperty(String name, Object value) {
      producerOverrides.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return this;
    }

    public LoadGenerator build() {
      return new LoadGenerator(this);
    }
  }
}
