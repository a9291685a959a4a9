package dev.ferry.config;

/**
 * Where records that cannot be applied go.
 *
 * @param topic the dead-letter topic; {@code {topic}} stands for the record's input topic
 * @param includeStacktrace whether the DLT record carries the exception's stack trace
 */
public record DeadLetterSettings(String topic, boolean includeStacktrace) {
  public String topicFor(String inputTopic) {
    return topic.replace("{topic}", inputTopic);
  }

  @Override
  public String toString() {
    return "dead-letter{topic=" + topic + ", include-stacktrace=" + includeStacktrace + "}";
  }
}
