package dev.ferry.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the Kafka clients' connection warnings ({@code Connection to node -1 … could not be
 * established}, logged on every reconnect, about once a second) while Ferry waits for Kafka at
 * start and says itself, once, what it waits for. Restores the previous level on close. Does
 * nothing when the logging backend is not Logback.
 */
final class KafkaConnectionWarnings implements AutoCloseable {
  private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

  private final Logger logger;
  private final Level previous;

  private KafkaConnectionWarnings(Logger logger, Level previous) {
    this.logger = logger;
    this.previous = previous;
  }

  static KafkaConnectionWarnings heldBack() {
    if (LoggerFactory.getLogger(NETWORK_CLIENT) instanceof Logger logback) {
      Level previous = logback.getLevel();
      logback.setLevel(Level.ERROR);
      return new KafkaConnectionWarnings(logback, previous);
    }
    return new KafkaConnectionWarnings(null, null);
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(previous);
    }
  }
}
