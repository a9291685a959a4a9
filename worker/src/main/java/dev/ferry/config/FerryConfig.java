package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole, validated configuration of one Ferry process. Instances are immutable and only come
 * from {@link ConfigLoader}, which checks every value before any of it is used.
 */
public record FerryConfig(
    KafkaSettings kafka,
    DatabaseSettings database,
    WorkerSettings worker,
    RetrySettings retry,
    DeadLetterSettings deadLetter,
    HttpSettings http,
    TracingSettings tracing,
    Optional<RegistrySettings> registry,
    List<PipelineSettings> pipelines) {

  public FerryConfig {
    pipelines = List.copyOf(pipelines);
  }

  /**
   * The pipeline that consumes {@code topic}, by the rules of {@link TopicRouting}: the one listing
   * it, else the first whose {@code topic-pattern} matches it (never an internal or dead-letter
   * topic).
   *
   * @throws IllegalArgumentException when no pipeline consumes it
   */
  public PipelineSettings pipelineFor(String topic) {
    return pipelineOf(topic)
        .orElseThrow(() -> new IllegalArgumentException("no pipeline consumes topic " + topic));
  }

  /** As {@link #pipelineFor}, empty when no pipeline consumes {@code topic}. */
  public Optional<PipelineSettings> pipelineOf(String topic) {
    return routing().pipelineOf(topic);
  }

  /**
   * The input topics the pipelines list by name. A pipeline with a {@code topic-pattern} adds none:
   * its topics are whatever the cluster has that it matches (see {@link
   * TopicRouting#consumedAmong}).
   */
  public List<String> inputTopics() {
    return pipelines.stream().flatMap(p -> p.topics().stream()).toList();
  }

  /** A new resolver of topics to pipelines; keep one where topics are resolved often. */
  public TopicRouting routing() {
    return new TopicRouting(pipelines, deadLetter);
  }

  /** Masks {@code password=…} (and other secret-looking parameters) in a JDBC URL. */
  public static String maskUrlSecrets(String url) {
    return url.replaceAll("(?i)((?:password|sslpassword|secret)[^=&;]*=)[^&;]*", "$1****");
  }

  /** A readable rendering of the effective settings with every secret masked, for the start log. */
  public String describe() {
    Map<String, String> maskedClientProperties = ClientProperties.masked(kafka.clientProperties());
    return "kafka{bootstrap-servers="
        + kafka.bootstrapServers()
        + ", group-id="
        + kafka.groupId()
        + ", client-properties="
        + maskedClientProperties
        + ", "
        + kafka.timeouts()
        + ", topic-refresh-interval="
        + Durations.format(kafka.topicRefreshInterval())
        + "}, database{url="
        + maskUrlSecrets(database.url())
        + ", username="
        + database.username()
        + ", password="
        + (database.password().isEmpty() ? "(none)" : database.password())
        + ", pool-size="
        + database.poolSize()
        + ", "
        + database.timeouts()
        + ", metadata-refresh-interval="
        + Durations.format(database.metadataRefreshInterval())
        + "}, "
        + worker
        + ", "
        + retry
        + ", "
        + deadLetter
        + ", "
        + http
        + ", "
        + tracing
        + registry.map(r -> ", " + r).orElse("")
        + ", pipelines="
        + pipelines;
  }
}
