package dev.ferry.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which pipeline consumes a topic. The rules, in order:
 *
 * <ol>
 *   <li>A topic listed in a pipeline's {@code topics} belongs to that pipeline (validation lets a
 *       topic be listed by one pipeline only), whatever its name and whatever patterns match it.
 *   <li>Otherwise a pattern never takes an internal topic (a name starting with {@code __}, such as
 *       {@code __consumer_offsets}) nor a dead-letter topic: any name that {@code
 *       dead-letter.topic} could produce for some input topic (with the default {@code
 *       {topic}.dlt}, every name ending in {@code .dlt}), whether or not that input exists. This
 *       depends on the name alone, so a topic never changes pipelines because another topic was
 *       created or deleted, and a pattern such as {@code shop\..*} never consumes its own DLTs.
 *   <li>Otherwise the first pipeline in the file whose {@code topic-pattern} matches the whole name
 *       takes it.
 * </ol>
 *
 * A topic therefore belongs to one pipeline at most. Thread-safe; answers are cached per topic
 * name, since the configuration never changes.
 */
public final class TopicRouting {
  private static final String INTERNAL_PREFIX = "__";

  private final List<PipelineSettings> pipelines;
  private final Set<String> explicit = new HashSet<>();
  private final Pattern deadLetterNames;
  private final Map<String, Optional<PipelineSettings>> cache = new ConcurrentHashMap<>();

  public TopicRouting(List<PipelineSettings> pipelines, DeadLetterSettings deadLetter) {
    this.pipelines = List.copyOf(pipelines);
    for (PipelineSettings p : this.pipelines) {
      explicit.addAll(p.topics());
    }
    this.deadLetterNames = deadLetterNames(deadLetter.topic());
  }

  public static TopicRouting of(FerryConfig config) {
    return new TopicRouting(config.pipelines(), config.deadLetter());
  }

  /**
   * The regular expression of every name the dead-letter template can produce: the template with
   * each {@code {topic}} standing for any non-empty name.
   */
  static Pattern deadLetterNames(String template) {
    List<String> parts = new ArrayList<>();
    for (String literal : template.split(Pattern.quote("{topic}"), -1)) {
      parts.add(literal.isEmpty() ? "" : Pattern.quote(literal));
    }
    return Pattern.compile(String.join(".+", parts));
  }

  /** The pipeline that consumes {@code topic}, by the rules above; empty when none does. */
  public Optional<PipelineSettings> pipelineOf(String topic) {
    return cache.computeIfAbsent(topic, this::resolve);
  }

  private Optional<PipelineSettings> resolve(String topic) {
    if (!explicit.contains(topic) && (isInternal(topic) || isDeadLetterName(topic))) {
      return Optional.empty();
    }
    int index = indexOf(pipelines, PipelineSettings::topics, PipelineSettings::topicPattern, topic);
    return index < 0 ? Optional.empty() : Optional.of(pipelines.get(index));
  }

  /**
   * Where in {@code pipelines} the one that lists {@code topic} is, else the first whose pattern
   * matches it; -1 for none. Internal and dead-letter names are not set apart: for a topic the
   * consumer subscribed to, which {@link #subscription()} already excluded them from.
   */
  public static <T> int indexOf(
      List<T> pipelines,
      Function<T, List<String>> topics,
      Function<T, Optional<TopicPattern>> pattern,
      String topic) {
    for (int i = 0; i < pipelines.size(); i++) {
      if (topics.apply(pipelines.get(i)).contains(topic)) {
        return i;
      }
    }
    for (int i = 0; i < pipelines.size(); i++) {
      if (pattern.apply(pipelines.get(i)).map(p -> p.matches(topic)).orElse(false)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether some pipeline consumes {@code topic}. */
  public boolean consumes(String topic) {
    return pipelineOf(topic).isPresent();
  }

  /** Whether {@code topic} is one of Kafka's internal topics, which no pattern takes. */
  public static boolean isInternal(String topic) {
    return topic.startsWith(INTERNAL_PREFIX);
  }

  /** Whether {@code topic} is a name {@code dead-letter.topic} can produce; no pattern takes it. */
  public boolean isDeadLetterName(String topic) {
    return deadLetterNames.matcher(topic).matches();
  }

  /** Whether any pipeline subscribes by {@code topic-pattern}. */
  public boolean hasPatterns() {
    return pipelines.stream().anyMatch(p -> p.topicPattern().isPresent());
  }

  /** The topics the pipelines list by name, in file order. */
  public List<String> explicitTopics() {
    return pipelines.stream().flatMap(p -> p.topics().stream()).toList();
  }

  /** Of {@code existing}, the topics some pipeline consumes, sorted by name. */
  public List<String> consumedAmong(Collection<String> existing) {
    return existing.stream().filter(this::consumes).sorted().toList();
  }

  /** Of {@code existing}, the topics {@code pipeline} consumes, sorted by name. */
  public List<String> consumedBy(PipelineSettings pipeline, Collection<String> existing) {
    return existing.stream()
        .filter(t -> pipelineOf(t).map(p -> p.name().equals(pipeline.name())).orElse(false))
        .sorted()
        .toList();
  }

  /**
   * One expression whose whole-name matches are exactly the topics {@link #consumes} accepts, for
   * the consumer's pattern subscription: the listed topics quoted, or any name that is neither
   * internal nor a dead-letter name and matches one of the patterns. Each pattern keeps its own
   * inline flags; their groups capture nothing anyone reads here.
   */
  public Pattern subscription() {
    return Pattern.compile(subscription(explicitTopics(), patterns(), deadLetterNames.pattern()));
  }

  private List<String> patterns() {
    return pipelines.stream()
        .flatMap(p -> p.topicPattern().stream())
        .map(TopicPattern::regex)
        .toList();
  }

  /** The text of {@link #subscription()}; {@code patterns} may be empty. */
  static String subscription(List<String> topics, List<String> patterns, String deadLetters) {
    List<String> alternatives = new ArrayList<>();
    topics.forEach(t -> alternatives.add(Pattern.quote(t)));
    if (!patterns.isEmpty()) {
      alternatives.add(
          "(?!"
              + Pattern.quote(INTERNAL_PREFIX)
              + ")(?!(?:"
              + deadLetters
              + ")\\z)(?:"
              + String.join("|", patterns.stream().map(p -> "(?:" + p + ")").toList())
              + ")");
    }
    return alternatives.isEmpty() ? "(?!)" : String.join("|", alternatives);
  }
}
