package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code worker.control-interval}: how often a worker reads the operator pauses. */
class ControlIntervalTest {
  private static final String CONFIG =
      """
      kafka: {bootstrap-servers: "localhost:9092", group-id: g}
      database: {url: "jdbc:postgresql://localhost/app"}
      worker: {%s}
      pipelines:
        - {name: events, topics: [events], table: events, columns: {event_id: /event_id}}
      """;

  private static FerryConfig load(String worker) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(CONFIG.formatted(worker), "test.yaml");
  }

  @Test
  void defaultsToTwoSecondsAndIsRead() throws Exception {
    assertThat(load("").worker().controlInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(load("control-interval: 500ms").worker().controlInterval())
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void belowATenthOfASecondIsRefusedNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> load("control-interval: 10ms"));
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0)).startsWith("worker.control-interval must be");
  }
}
