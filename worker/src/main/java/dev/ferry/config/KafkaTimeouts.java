package dev.ferry.config;

import java.time.Duration;

/**
 * How long Ferry waits on Kafka.
 *
 * @param request one request of any client to a broker ({@code request.timeout.ms})
 * @param api a blocking client call as a whole: admin calls at start, the consumer's metadata and
 *     position lookups ({@code default.api.timeout.ms})
 * @param commit one synchronous offset commit (on revocation and at the end of a drain)
 */
public record KafkaTimeouts(Duration request, Duration api, Duration commit) {
  public static final KafkaTimeouts DEFAULTS =
      new KafkaTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(10));

  @Override
  public String toString() {
    return "request-timeout="
        + Durations.format(request)
        + ", api-timeout="
        + Durations.format(api)
        + ", commit-timeout="
        + Durations.format(commit);
  }
}
