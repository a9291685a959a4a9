package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.DeadLetterTopics;
import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.tracing.TraceHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Copies selected dead letters back to where they came from (or to a named topic) exactly once:
 * every poll's records and the replay's progress (the offsets of its consumer group) commit in one
 * Kafka transaction, so a replay that dies resumes, under the same name, after the last committed
 * poll and produces nothing twice for {@code read_committed} readers. A record already replayed
 * {@code maxReplays} times goes to {@code DLT.parked} instead. Each copy names the original record
 * it stands for ({@code ferry.replay.origin.*}) and the replay ({@code ferry.replay.name}), so the
 * worker applies an original record once; {@link Options#plan} skips, before anything is sent, the
 * dead letters of original records applied before and all but the newest of each. Not thread-safe.
 */
public final class Replayer {
  /**
   * @param target empty: each record's original topic, which must be one the config consumes
   * @param consumed whether the config consumes a topic (listed, or matched by a topic pattern):
   *     the default targets allowed
   * @param rate records per second at most; 0 for no limit
   * @param reapply replay dead letters whose original record was applied before, and have the
   *     worker apply them again
   * @param plan which dead letters to skip per original record
   */
  public record Options(
      String name,
      DltFilter filter,
      Optional<String> target,
      int maxReplays,
      double rate,
      boolean dryRun,
      Predicate<String> consumed,
      boolean reapply,
      ReplayPlan plan) {}

  /** Hears what happens to each selected record, e.g. to print a dry run. */
  public interface Listener {
    /**
     * @param action {@code replay to TOPIC}, {@code park in TOPIC} or {@code skip: WHY}
     */
    void selected(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info, String action);
  }

  /**
   * The Kafka side of a run.
   *
   * @param producer a transactional producer, initialised; empty for a dry run
   * @param group the consumer group that keeps this replay's progress (the reading consumer's)
   * @param timeout {@code kafka.api-timeout}: bounds each admin call (looking up a target's
   *     partitions, creating a parking topic)
   */
  public record Kafka(
      Admin admin,
      Optional<Producer<byte[], byte[]>> producer,
      ConsumerGroupMetadata group,
      Duration timeout) {}

  /** What a run did, by count; {@code skipped} says why per reason. */
  public record Summary(
      long read, long selected, long replayed, long parked, Map<String, Long> skipped) {
    public long skippedTotal() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Options options;
  private final Admin admin;
  private final Optional<Producer<byte[], byte[]>> producer;
  private final ConsumerGroupMetadata group;
  private final Duration timeout;
  private final Consumer<Summary> progress;
  private final Listener listener;
  private final StopSignal stop;
  private final Clock clock;
  private final Map<String, Integer> partitionCounts = new HashMap<>();
  private long read;
  private long selected;
  private long replayed;
  private long parked;
  private final Map<String, Long> skipped = new LinkedHashMap<>();
  private Instant started;
  private DltScanner.Scope scope;
  private final Set<String> parkingReady = new HashSet<>();
  private Summary committed = new Summary(0, 0, 0, 0, Map.of());

  /**
   * @param progress called after every poll with the counts so far
   * @param stop ends the pacing waits of {@code --rate} early, and with them the run
   * @param clock paces {@code --rate}
   */
  public Replayer(
      Options options,
      Kafka kafka,
      Consumer<Summary> progress,
      Listener listener,
      StopSignal stop,
      Clock clock) {
    this.options = options;
    this.admin = kafka.admin();
    this.producer = kafka.producer();
    this.group = kafka.group();
    this.timeout = kafka.timeout();
    this.progress = progress;
    this.listener = listener;
    this.stop = stop;
    this.clock = clock;
  }

  /** Replays what {@code scope} holds from {@code start} on; returns the counts. */
  public Summary run(DltScanner scanner, DltScanner.Scope scope, Map<TopicPartition, Long> start)
      throws Exception {
    started = clock.instant();
    this.scope = scope;
    if (!options.dryRun()) {
      producer.get().beginTransaction();
    }
    try {
      scanner.scan(
          scope,
          start,
          new DltScanner.Visitor() {
            @Override
            public boolean record(ConsumerRecord<byte[], byte[]> record) throws Exception {
              replay(record);
              return true;
            }

            @Override
            public void polled(Map<TopicPartition, Long> resumeAt) {
              commit(resumeAt);
              progress.accept(summary());
            }
          });
      if (!options.dryRun()) {
        producer.get().commitTransaction();
        committed = summary();
      }
    } catch (Exception | Error e) {
      if (!options.dryRun()) {
        try {
          producer.get().abortTransaction();
        } catch (RuntimeException abortFailed) {
          e.addSuppressed(abortFailed); // fenced or closed: the broker aborts it anyway
        }
      }
      throw e;
    }
    return summary();
  }

  /**
   * The counts as of the last committed transaction: what a run that failed or was stopped really
   * did (the records of its open transaction were aborted and are replayed by the next run).
   */
  public Summary committed() {
    return committed;
  }

  private Summary summary() {
    return new Summary(read, selected, replayed, parked, Map.copyOf(skipped));
  }

  private void replay(ConsumerRecord<byte[], byte[]> record) throws Exception {
    read++;
    DeadLetterInfo info = DeadLetterInfo.of(record);
    if (!options.filter().matches(record, info)) {
      return;
    }
    selected++;
    Optional<String> superfluous = options.plan().skip(record, info, options.reapply());
    if (superfluous.isPresent()) {
      skip(record, info, superfluous.get());
      return;
    }
    if (info.replayCount() >= options.maxReplays()) {
      parked++;
      String parking = parkingTopic(record.topic());
      if (!options.dryRun() && parkingReady.add(parking)) {
        ensureTopic(parking, scope.partitions(record.topic()));
      }
      send(new ProducerRecord<>(parking, null, record.key(), record.value(), record.headers()));
      listener.selected(record, info, "park in " + parking);
      return;
    }
    String target;
    Integer partition = null;
    if (options.target().isPresent()) {
      target = options.target().get();
    } else if (info.topic().isEmpty()) {
      skip(record, info, "no original topic in the headers");
      return;
    } else if (!options.consumed().test(info.topic().get())) {
      skip(record, info, "original topic not consumed by this config (name it with --target)");
      return;
    } else {
      target = info.topic().get();
    }
    if (info.topic().equals(Optional.of(target))
        && info.partition().isPresent()
        && info.partition().get() < partitions(target)) {
      partition = info.partition().get(); // keep the partitioning the record had
    }
    RecordHeaders headers = copyHeaders(record, info);
    replayed++;
    send(new ProducerRecord<>(target, partition, record.key(), record.value(), headers));
    listener.selected(record, info, "replay to " + target);
    pace();
  }

  /**
   * The headers of a replayed copy: the record's own (not the dead-letter diagnostics, not an
   * earlier replay's), the replay count, the original record it stands for, the replay's name, and
   * the attempt that dead-lettered it (for tracing).
   */
  private RecordHeaders copyHeaders(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      if (!DeadLetterInfo.isDiagnostic(h.key()) && !h.key().startsWith(FirstOrigin.REPLAY_PREFIX)) {
        headers.add(h);
      }
    }
    headers.add(
        DeadLetterHeaders.REPLAY_COUNT, String.valueOf(info.replayCount() + 1).getBytes(UTF_8));
    // The original record this copy stands for: the worker applies each one once.
    info.firstOrigin()
        .ifPresent(
            first -> {
              headers.add(FirstOrigin.REPLAY_TOPIC, first.topic().getBytes(UTF_8));
              headers.add(
                  FirstOrigin.REPLAY_PARTITION,
                  Integer.toString(first.partition()).getBytes(UTF_8));
              headers.add(FirstOrigin.REPLAY_OFFSET, Long.toString(first.offset()).getBytes(UTF_8));
            });
    headers.add(FirstOrigin.REPLAY_NAME, options.name().getBytes(UTF_8));
    if (options.reapply()) {
      headers.add(FirstOrigin.REPLAY_REAPPLY, "true".getBytes(UTF_8));
    }
    // The attempt that dead-lettered the record, for the next attempt's span to link to.
    Header attempt = record.headers().lastHeader(TraceHeaders.DEAD_LETTERED_IN);
    if (attempt != null) {
      headers.remove(TraceHeaders.REPLAYED_FROM);
      headers.add(TraceHeaders.REPLAYED_FROM, attempt.value());
    }
    return headers;
  }

  private void skip(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info, String why) {
    skipped.merge(why, 1L, Long::sum);
    listener.selected(record, info, "skip: " + why);
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    producer.ifPresent(p -> p.send(record));
  }

  private void commit(Map<TopicPartition, Long> resumeAt) {
    if (options.dryRun()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    resumeAt.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
    Producer<byte[], byte[]> p = producer.get();
    p.sendOffsetsToTransaction(offsets, group);
    p.commitTransaction();
    committed = summary();
    p.beginTransaction();
  }

  /** Waits as long as needed to keep to {@code rate} records per second. */
  private void pace() throws InterruptedException, DltException {
    if (options.rate() <= 0 || options.dryRun()) {
      return;
    }
    Instant due = started.plusNanos((long) (replayed / options.rate() * 1e9));
    Duration wait = Duration.between(clock.instant(), due);
    if (!wait.isNegative() && !wait.isZero() && stop.await(wait)) {
      throw new DltException("stopped; run the replay again with its --name to resume");
    }
  }

  /**
   * The partition count of a target topic, looked up once; 0 when it cannot be looked up (the key
   * then decides the partition).
   *
   * @throws DltException when interrupted while looking it up, with the interrupt flag set again
   */
  private int partitions(String topic) throws DltException {
    Integer known = partitionCounts.get(topic);
    if (known != null) {
      return known;
    }
    int count;
    try {
      count =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DltException(
          "interrupted while looking up the partitions of "
              + topic
              + "; run the replay again with its --name to resume",
          e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      count = 0; // unknown: let the key decide the partition
    }
    partitionCounts.put(topic, count);
    return count;
  }

  /** The topic records over the replay cap go to. */
  public static String parkingTopic(String dlt) {
    return dlt + ".parked";
  }

  private void ensureTopic(String topic, int partitions) throws Exception {
    DeadLetterTopics.createIfAbsent(
        admin, new NewTopic(topic, Optional.of(partitions), Optional.empty()), timeout, stop);
  }
}
