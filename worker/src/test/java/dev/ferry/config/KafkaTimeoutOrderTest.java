package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka.api-timeout} shorter than {@code kafka.request-timeout} is a config problem (Kafka's
 * clients would refuse it only when built, after Postgres was contacted).
 */
class KafkaTimeoutOrderTest {
  private static String config(String timeouts) {
    return """
        kafka:
          bootstrap-servers: localhost:9092
        %s
        database:
          url: jdbc:postgresql://localhost:5432/app
        pipelines:
          - name: events
            topics: [events]
            table: public.events
            columns:
              event_id: /event_id
        """
        .formatted(timeouts);
  }

  @Test
  void anApiTimeoutShorterThanTheRequestTimeoutIsAProblem() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.withEnvironment(Map.of())
                    .parse(config("  api-timeout: 10s"), "test.yaml"));

    assertThat(e.problems())
        .containsExactly("kafka.api-timeout must be ≥ kafka.request-timeout (30s), was 10s");
  }

  @Test
  void equalTimeoutsAreFine() throws Exception {
    FerryConfig c =
        ConfigLoader.withEnvironment(Map.of())
            .parse(config("  request-timeout: 10s\n  api-timeout: 10s"), "test.yaml");

    assertThat(c.kafka().timeouts().api()).isEqualTo(c.kafka().timeouts().request());
  }
}
