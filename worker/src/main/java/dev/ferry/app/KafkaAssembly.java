package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.deadletter.DeadLetterTopics;
import dev.ferry.dispatch.MemoryPlan;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import dev.ferry.source.PartitionClaimer;
import dev.ferry.source.PollLoop;
import dev.ferry.source.RecordHandler;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * Builds the Kafka side of a worker from its config: the admin client and the wait for a broker,
 * the dead-letter topics, the dead-letter producer, the consumer and the poll loop. Each factory
 * returns a part the caller owns and closes; one that fails throws {@link StartupException} with a
 * message for the operator, having opened nothing it does not return.
 */
final class KafkaAssembly {
  private final FerryConfig config;
  private final KafkaClients clients;
  private final Readiness readiness;
  private final StopSignal stop;
  private final Clock clock;

  /**
   * @param stop the worker's stop request: it cuts the waits for Kafka short and ends the poll loop
   */
  KafkaAssembly(FerryConfig config, Readiness readiness, StopSignal stop, Clock clock) {
    this.config = config;
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
   * Creates the missing dead-letter topics.
   *
   * @return the largest dead letter the DLTs may need to take, for the producer's limit
   */
  int ensureDeadLetterTopics(Admin admin) throws StartupException {
    try {
      return DeadLetterTopics.ensure(
              admin,
              config.deadLetter(),
              config.inputTopics(),
              config.kafka().timeouts().api(),
              stop)
          .largestDeadLetter();
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

  /** The dead-letter producer, its request size fitted to {@code largestDeadLetter}. */
  KafkaProducer<byte[], byte[]> deadLetterProducer(int largestDeadLetter) {
    return clients.deadLetterProducer(largestDeadLetter);
  }

  /** The input consumer, its fetch sizes fitted to the memory plan. */
  KafkaConsumer<byte[], byte[]> consumer(MemoryPlan memory) {
    return clients.consumer(memory);
  }

  /**
   * The poll loop over the input topics; it pauses the topics of pipelines the breaker halted and
   * stops on the worker's stop request. A record without a key on a change-event pipeline's topic
   * (a truncate; or every event of a source table without a primary key) is a barrier: it runs
   * alone, after the records before it in its partition and before those after it, since it has no
   * lane of its own to keep it in order with the keyed rows it affects.
   */
  PollLoop pollLoop(
      KafkaConsumer<byte[], byte[]> consumer,
      RecordHandler lanes,
      PartitionClaimer claimer,
      Backoff claimBackoff,
      DeadLetterBreaker breaker) {
    Set<String> changeEventTopics = new HashSet<>();
    config.pipelines().stream()
        .filter(p -> p.cdc().isPresent())
        .forEach(p -> changeEventTopics.addAll(p.topics()));
    return new PollLoop(
        consumer,
        config.inputTopics(),
        lanes,
        claimer,
        claimBackoff,
        topic -> breaker.isHalted(config.pipelineFor(topic).name()),
        record -> record.key() == null && changeEventTopics.contains(record.topic()),
        config.worker().commitInterval(),
        config.kafka().timeouts().commit(),
        clock,
        stop);
  }
}
