package dev.ferry.app;

import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.DeadLetterTopics;
import dev.ferry.dispatch.MemoryPlan;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.source.PartitionClaimer;
import dev.ferry.source.PollLoop;
import dev.ferry.source.RecordHandler;
import dev.ferry.source.TopicSubscription;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Kafka side of a worker from its config: the admin client and the wait for a broker,
 * the dead-letter topics, the dead-letter producer, the consumer and the poll loop. Each factory
 * returns a part the caller owns and closes; one that fails throws {@link StartupException} with a
 * message for the operator, having opened nothing it does not return.
 */
final class KafkaAssembly {
  private static final Logger log = LoggerFactory.getLogger(KafkaAssembly.class);

  private final FerryConfig config;
  private final TopicRouting routing;
  private final KafkaClients clients;
  private final Readiness readiness;
  private final StopSignal stop;
  private final Clock clock;

  /** The input topics whose dead-letter topics were ensured at start. */
  private final Set<String> startTopics = new LinkedHashSet<>();

  /** What the dead-letter producer was sized for at start. */
  private volatile int largestDeadLetter;

  /**
   * @param stop the worker's stop request: it cuts the waits for Kafka short and ends the poll loop
   */
  KafkaAssembly(FerryConfig config, Readiness readiness, StopSignal stop, Clock clock) {
    this.config = config;
    this.routing = config.routing();
    this.clients = new KafkaClients(config.kafka(), config.deadLetter().sendTimeout());
    this.readiness = readiness;
    this.stop = stop;
    this.clock = clock;
  }

  /** The admin client; it does not contact Kafka yet (see {@link #awaitBroker}). */
  Admin admin() throws StartupException {
    try {
      return clients.admin();
    } catch (KafkaException e) {
      throw new StartupException(
          "cannot connect to Kafka at "
              + config.kafka().bootstrapServers()
              + ": "
              + FerryWorker.rootMessage(e),
          e);
    }
  }

  /**
   * Waits, up to kafka.api-timeout, until a broker answers {@code admin}; not ready with {@code
   * kafka-unreachable} meanwhile.
   */
  void awaitBroker(Admin admin) throws StartupException {
    new KafkaReach(
            config.kafka().bootstrapServers(),
            config.kafka().timeouts().api(),
            readiness,
            stop,
            clock)
        .await(admin, clients);
  }

  /**
   * Creates the missing dead-letter topics of the listed input topics and of the topics the topic
   * patterns match now (those of topics created later are created when they are first assigned; see
   * {@link #arrivals}).
   *
   * @return the largest dead letter the DLTs may need to take, for the producer's limit
   */
  int ensureDeadLetterTopics(Admin admin) throws StartupException {
    try {
      startTopics.clear();
      startTopics.addAll(config.inputTopics());
      if (routing.hasPatterns()) {
        Set<String> existing =
            admin
                .listTopics()
                .names()
                .get(config.kafka().timeouts().api().toMillis(), TimeUnit.MILLISECONDS);
        logMatches(existing);
        startTopics.addAll(routing.consumedAmong(existing));
      }
      largestDeadLetter =
          DeadLetterTopics.ensure(
                  admin,
                  config.deadLetter(),
                  List.copyOf(startTopics),
                  config.kafka().timeouts().api(),
                  stop)
              .largestDeadLetter();
      return largestDeadLetter;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new StartupException(
          "cannot reach Kafka at "
              + config.kafka().bootstrapServers()
              + " to check dead-letter topics: "
              + FerryWorker.rootMessage(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while checking dead-letter topics", e);
    }
  }

  private void logMatches(Set<String> existing) {
    for (PipelineSettings p : config.pipelines()) {
      if (p.topicPattern().isPresent()) {
        List<String> matched = routing.consumedBy(p, existing);
        log.info(
            "pipeline {}: topic-pattern {} matches {} topic(s) now: {}",
            p.name(),
            p.topicPattern().get(),
            matched.size(),
            matched);
      }
    }
  }

  /**
   * The claimer of the partitions: {@code epochs} when there is exactly-once bookkeeping, wrapped
   * so that the first claim of a newly assigned topic first looks its id up again ({@code
   * topicIds}, with exactly-once bookkeeping) and creates its dead-letter topic if this worker has
   * not ensured it yet. Call after {@link #ensureDeadLetterTopics}.
   */
  PartitionClaimer arrivals(Admin admin, Optional<EpochStore> epochs, TopicIds topicIds) {
    return new TopicArrivals(
        epochs.isPresent() ? epochs.get() : PartitionClaimer.NONE,
        epochs.map(e -> topicIds),
        topic -> ensureDeadLetterTopic(admin, topic),
        startTopics);
  }

  private boolean ensureDeadLetterTopic(Admin admin, String topic) throws Exception {
    DeadLetterTopics.Ensured ensured =
        DeadLetterTopics.ensure(
            admin, config.deadLetter(), List.of(topic), config.kafka().timeouts().api(), stop);
    if (ensured.largestDeadLetter() > largestDeadLetter) {
      log.warn(
          "topic {} may hold records larger than the dead-letter producer was sized for at start"
              + " ({} bytes, {} needed); a dead letter that large is sent without its bulky"
              + " headers, or refused; restart the worker to size the producer for it",
          topic,
          largestDeadLetter,
          ensured.largestDeadLetter());
    }
    return !ensured.created().isEmpty();
  }

  /**
   * What the poll loop subscribes to: the listed topics by name, or, when a pipeline has a topic
   * pattern, every topic {@link TopicRouting} gives a pipeline, by one combined pattern.
   */
  TopicSubscription subscription() {
    return routing.hasPatterns()
        ? TopicSubscription.matching(routing.subscription())
        : TopicSubscription.listed(config.inputTopics());
  }

  /** The input topics as configured, for the log: {@code topics [a, b], topics matching x.*}. */
  String describeTopics() {
    List<String> parts = new ArrayList<>();
    if (!config.inputTopics().isEmpty()) {
      parts.add("topics " + config.inputTopics());
    }
    config.pipelines().stream()
        .flatMap(p -> p.topicPattern().stream())
        .forEach(p -> parts.add("topics matching " + p));
    return String.join(", ", parts);
  }

  /** The dead-letter producer, its request size fitted to {@code largestDeadLetter}. */
  KafkaProducer<byte[], byte[]> deadLetterProducer(int largestDeadLetter) {
    return clients.deadLetterProducer(largestDeadLetter);
  }

  /** The input consumer, its fetch sizes fitted to the memory plan. */
  KafkaConsumer<byte[], byte[]> consumer(MemoryPlan memory) {
    return clients.consumer(memory);
  }

  /**
   * The poll loop over the input topics: the listed ones by name, or, when a pipeline has a topic
   * pattern, every topic {@link TopicRouting} gives a pipeline, by one combined pattern. It pauses
   * the topics of stopped pipelines (halted by the breaker or paused by an operator) and stops on
   * the worker's stop request. A record without a key on a change-event pipeline's topic (a
   * truncate; or every event of a source table without a primary key) is a barrier: it runs alone,
   * after the records before it in its partition and before those after it, since it has no lane of
   * its own to keep it in order with the keyed rows it affects.
   */
  PollLoop pollLoop(
      KafkaConsumer<byte[], byte[]> consumer,
      RecordHandler lanes,
      PartitionClaimer claimer,
      Backoff claimBackoff,
      Predicate<String> stoppedPipeline) {
    return new PollLoop(
        consumer,
        subscription(),
        lanes,
        claimer,
        claimBackoff,
        topic -> routing.pipelineOf(topic).map(p -> stoppedPipeline.test(p.name())).orElse(false),
        record ->
            record.key() == null
                && routing.pipelineOf(record.topic()).map(p -> p.cdc().isPresent()).orElse(false),
        config.worker().commitInterval(),
        config.kafka().timeouts().commit(),
        clock,
        stop);
  }
}
