package dev.ferry.testkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.testkit.CliLogging;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Small Kafka chores for scripts/demo: create a topic, count its records, print dead letters.
 *
 * <pre>
 * create-topic --bootstrap B --topic T [--partitions N]
 * count        --bootstrap B --topic T
 * show         --bootstrap B --topic T [--limit N]
 * produce      --bootstrap B --topic T      (stdin: one record per line, KEY TAB VALUE; an empty
 *                                            VALUE is a tombstone; prints the count sent)
 * </pre>
 */
public final class KafkaTool {
  private KafkaTool() {}

  public static void main(String[] args) throws Exception {
    CliLogging.quietKafka();
    if (args.length == 0) {
      usage();
    }
    Map<String, String> options = options(args);
    String bootstrap = required(options, "bootstrap");
    String topic = required(options, "topic");
    switch (args[0]) {
      case "create-topic" ->
          createTopic(bootstrap, topic, Integer.parseInt(options.getOrDefault("partitions", "6")));
      case "count" -> System.out.println(count(bootstrap, topic));
      case "show" -> show(bootstrap, topic, Integer.parseInt(options.getOrDefault("limit", "10")));
      case "produce" -> System.out.println(produce(bootstrap, topic) + " records sent to " + topic);
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: KafkaTool create-topic|count|show|produce --bootstrap HOST:PORT --topic T"
            + " [--partitions N] [--limit N]");
    System.exit(2);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        usage();
      }
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      System.err.println("missing --" + name);
      usage();
    }
    return value;
  }

  /** Sends the records of standard input (KEY TAB VALUE per line) and waits for every ack. */
  static int produce(String bootstrap, String topic) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    int sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new IllegalArgumentException("line without a TAB between key and value: " + line);
        }
        String value = line.substring(tab + 1);
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    line.substring(0, tab).getBytes(UTF_8),
                    value.isEmpty() ? null : value.getBytes(UTF_8))));
        sent++;
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    }
    return sent;
  }

  private static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(p);
  }

  static void createTopic(String bootstrap, String topic, int partitions)
      throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
      // Wait until the leader serves every partition, so a producer starting now is not refused.
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          admin.listOffsets(latest).all().get();
          break;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
            throw e;
          }
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
      }
      System.out.println("created topic " + topic + " with " + partitions + " partitions");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
      System.out.println("topic " + topic + " exists");
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    return c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
        .map(info -> new TopicPartition(topic, info.partition()))
        .toList();
  }

  /** Records currently in the topic (end minus beginning offsets); 0 if it does not exist. */
  static long count(String bootstrap, String topic)
      throws InterruptedException, ExecutionException {
    try (Admin admin = admin(bootstrap)) {
      Set<String> names = admin.listTopics().names().get();
      if (!names.contains(topic)) {
        return 0;
      }
    }
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> tps = partitions(c, topic);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      Map<TopicPartition, Long> begin = c.beginningOffsets(tps);
      return tps.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
    }
  }

  /** Prints up to {@code limit} records with their Ferry headers and a preview of the value. */
  static void show(String bootstrap, String topic, int limit) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> tps = partitions(c, topic);
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (seen.size() < limit
          && System.nanoTime() < deadline
          && tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(seen::add);
      }
      seen.stream().limit(limit).forEach(KafkaTool::print);
    }
  }

  private static void print(ConsumerRecord<byte[], byte[]> r) {
    String headers =
        java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
            .filter(h -> !h.key().endsWith("stacktrace"))
            .map(KafkaTool::header)
            .collect(Collectors.joining("\n    "));
    String value = r.value() == null ? "(null)" : new String(r.value(), UTF_8);
    if (value.length() > 120) {
      value = value.substring(0, 117) + "...";
    }
    System.out.printf(
        "%s-%d@%d key=%s%n  value: %s%n    %s%n",
        r.topic(),
        r.partition(),
        r.offset(),
        r.key() == null ? "(null)" : new String(r.key(), UTF_8),
        value,
        headers);
  }

  private static String header(Header h) {
    return h.key() + ": " + (h.value() == null ? "(null)" : new String(h.value(), UTF_8));
  }
}
