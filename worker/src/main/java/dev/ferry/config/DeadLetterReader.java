package dev.ferry.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code dead-letter} section (the topic template, stack traces, the breaker, the send
 * timeout) and checks, once the pipelines are read, that no dead-letter topic is an input topic.
 */
final class DeadLetterReader {
  private DeadLetterReader() {}

  static DeadLetterSettings read(Section s) {
    String topic = s.string("topic", "{topic}.dlt");
    if (!PipelineReader.isTopicName(topic.replace("{topic}", "t"))) {
      s.problem(
          s.key("topic"),
          "must be a valid topic name (letters, digits, '.', '_', '-'; {topic} for the input"
              + " topic), was '"
              + topic
              + "'");
    }
    boolean stacktrace = s.bool("include-stacktrace", true);
    DeadLetterSettings.Breaker breaker = breaker(s.section("breaker"));
    Duration sendTimeout =
        s.duration("send-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1));
    s.rejectUnknownKeys();
    return new DeadLetterSettings(topic, stacktrace, breaker, sendTimeout);
  }

  private static DeadLetterSettings.Breaker breaker(Section s) {
    boolean enabled = s.bool("enabled", true);
    int window = s.integer("window", 1000, 10, 1_000_000);
    double maxShare = s.decimal("max-share", 0.5, 0.0, 1.0);
    int maxConsecutive = s.integer("max-consecutive", 200, 1, 1_000_000);
    s.rejectUnknownKeys();
    return new DeadLetterSettings.Breaker(enabled, window, maxShare, maxConsecutive);
  }

  /**
   * Adds a problem for every input topic whose dead-letter topic is itself an input topic: its dead
   * letters would be consumed again.
   */
  static void checkNotAnInput(
      DeadLetterSettings deadLetter, List<PipelineSettings> pipelines, List<String> problems) {
    if (deadLetter.topic().replace("{topic}", "").isEmpty()
        && pipelines.stream().anyMatch(p -> p.topicPattern().isPresent())) {
      problems.add(
          "dead-letter.topic '"
              + deadLetter.topic()
              + "' makes every topic its own dead-letter topic; a topic-pattern needs a template"
              + " with more than {topic}");
    }
    Set<String> inputs = new HashSet<>();
    pipelines.forEach(p -> inputs.addAll(p.topics()));
    for (String input : inputs) {
      String dlt = deadLetter.topicFor(input);
      if (inputs.contains(dlt)) {
        problems.add(
            "dead-letter.topic resolves to '"
                + dlt
                + "' for input topic '"
                + input
                + "', which is itself an input topic: dead letters would be consumed again");
      }
    }
  }
}
