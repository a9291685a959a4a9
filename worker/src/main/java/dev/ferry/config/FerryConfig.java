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

  /** The pipeline that consumes {@code topic}; validation guarantees there is at most one. */
  public PipelineSettings pipelineFor(String topic) {
    for (PipelineSettings p : pipelines) {
      if (p.topics().contains(topic)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no pipeline consumes topic " + topic);
  }

  /** Every input topic of every pipeline. */
  public List<String> inputTopics() {
    return pipelines.stream().flatMap(p -> p.topics().stream()).toList();
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
