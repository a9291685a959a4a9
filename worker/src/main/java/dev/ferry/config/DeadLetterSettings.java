package dev.ferry.config;

import java.time.Duration;

/**
 * Where records that cannot be applied go.
 *
 * @param topic the dead-letter topic; {@code {topic}} stands for the record's input topic
 * @param includeStacktrace whether the DLT record carries the exception's stack trace
 * @param breaker when a pipeline dead-letters so much that it should halt instead
 * @param sendTimeout how long one send of a dead letter may take until the broker acknowledged it
 *     ({@code delivery.timeout.ms}); a send that runs out is retried with backoff, never skipped
 */
public record DeadLetterSettings(
    String topic, boolean includeStacktrace, Breaker breaker, Duration sendTimeout) {
  /**
   * The dead-letter circuit breaker of each pipeline.
   *
   * @param enabled whether the breaker can halt a pipeline
   * @param window the number of most recent records of a pipeline the share is taken over
   * @param maxShare the pipeline halts when more than this share of a full window was dead-lettered
   * @param maxConsecutive the pipeline halts after this many dead letters in a row
   */
  public record Breaker(boolean enabled, int window, double maxShare, int maxConsecutive) {
    @Override
    public String toString() {
      return "breaker{enabled="
          + enabled
          + ", window="
          + window
          + ", max-share="
          + maxShare
          + ", max-consecutive="
          + maxConsecutive
          + "}";
    }
  }

  public String topicFor(String inputTopic) {
    return topic.replace("{topic}", inputTopic);
  }

  @Override
  public String toString() {
    return "dead-letter{topic="
        + topic
        + ", include-stacktrace="
        + includeStacktrace
        + ", send-timeout="
        + Durations.format(sendTimeout)
        + ", "
        + breaker
        + "}";
  }
}
