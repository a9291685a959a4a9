package dev.ferry.app;

import dev.ferry.config.Durations;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits at start until a Kafka broker answers, for at most {@code kafka.api-timeout}. While it
 * waits, the worker is not ready with the reason {@value #REASON}, Ferry says once what it waits
 * for, and the Kafka clients' per-retry connection warnings are held back ({@link
 * KafkaConnectionWarnings}). A stop request ends the wait.
 */
final class KafkaReach {
  private static final Logger log = LoggerFactory.getLogger(KafkaReach.class);

  /** The readiness reason while no broker answers. */
  static final String REASON = "kafka-unreachable";

  private static final Duration ATTEMPT = Duration.ofSeconds(1);
  private static final Duration PAUSE = Duration.ofMillis(250);

  private final String bootstrapServers;
  private final Duration timeout;
  private final Readiness readiness;
  private final StopSignal stop;
  private final Clock clock;

  KafkaReach(
      String bootstrapServers,
      Duration timeout,
      Readiness readiness,
      StopSignal stop,
      Clock clock) {
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
    this.readiness = readiness;
    this.stop = stop;
    this.clock = clock;
  }

  /**
   * Returns once a broker has answered; throws when none did within the timeout, when the stop
   * signal came, or at once for a failure waiting cannot cure (such as refused credentials, which
   * {@code kafkaClients} names).
   */
  void await(Admin admin, KafkaClients kafkaClients) throws StartupException {
    Instant deadline = clock.instant().plus(timeout);
    boolean announced = false;
    KafkaConnectionWarnings quiet = KafkaConnectionWarnings.heldBack();
    try {
      while (true) {
        Duration left = Duration.between(clock.instant(), deadline);
        Duration attempt = left.compareTo(ATTEMPT) < 0 ? left : ATTEMPT;
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) attempt.toMillis()))
              .nodes()
              .get(attempt.toMillis() + 1_000, TimeUnit.MILLISECONDS);
          if (announced) {
            log.info("Kafka at {} answers; starting", bootstrapServers);
          }
          readiness.set(REASON, false);
          return;
        } catch (ExecutionException | TimeoutException e) {
          var refused = kafkaClients.authenticationFailure(e);
          if (refused.isPresent()) {
            throw new StartupException(refused.get(), e);
          }
        }
        if (!announced) {
          readiness.set(REASON, true);
          log.warn(
              "waiting up to {} (kafka.api-timeout) for a Kafka broker at {} to answer; not ready"
                  + " ({}) until one does",
              Durations.format(timeout),
              bootstrapServers,
              REASON);
          announced = true;
        }
        if (!clock.instant().isBefore(deadline)) {
          throw new StartupException(unreachable(bootstrapServers, timeout), null);
        }
        if (stop.await(PAUSE)) {
          throw new StartupException(
              "stopped while waiting for Kafka at " + bootstrapServers + " to answer", null);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while waiting for Kafka at " + bootstrapServers, e);
    } finally {
      quiet.close();
    }
  }

  /** The reason given when no broker at {@code bootstrapServers} answered within {@code waited}. */
  static String unreachable(String bootstrapServers, Duration waited) {
    return "no Kafka broker answered at "
        + bootstrapServers
        + " within "
        + Durations.format(waited)
        + ": check kafka.bootstrap-servers, that the brokers run and that their advertised"
        + " listeners can be reached from here";
  }
}
