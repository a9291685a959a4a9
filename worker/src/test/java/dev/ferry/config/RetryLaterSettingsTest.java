package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code retry.later} and {@code retry.sqlstates}: validated at start, every problem named. */
class RetryLaterSettingsTest {
  private static final String CONFIG =
      """
      kafka: {bootstrap-servers: "localhost:9092", group-id: g}
      database: {url: "jdbc:postgresql://localhost/app"}
      retry: {%s}
      pipelines:
        - {name: events, topics: [events], table: events, columns: {event_id: /event_id}}
      """;

  private static RetrySettings load(String retry) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(CONFIG.formatted(retry), "test.yaml")
        .retry();
  }

  @Test
  void defaultsWaitFiveMinutesWithDelaysFromOneToThirtySeconds() throws Exception {
    RetrySettings retry = load("");
    assertThat(retry.later()).isEqualTo(RetrySettings.Later.DEFAULT);
    assertThat(retry.later().horizon()).isEqualTo(Duration.ofMinutes(5));
    assertThat(retry.sqlStates()).isEmpty();
  }

  @Test
  void delaysDoubleUpToTheirCap() {
    RetrySettings.Later later =
        new RetrySettings.Later(
            Duration.ofMinutes(1), Duration.ofMillis(200), Duration.ofSeconds(1), 10);
    assertThat(
            java.util.stream.IntStream.rangeClosed(1, 5)
                .mapToObj(later::delay)
                .map(Duration::toMillis))
        .containsExactly(200L, 400L, 800L, 1000L, 1000L);
  }

  @Test
  void readsTheLaterSectionAndTheOverrides() throws Exception {
    RetrySettings retry =
        load(
            "later: {horizon: 10m, first-delay: 2s, max-delay: 1m, max-records: 500},"
                + " sqlstates: {\"23503\": permanent, \"23505\": retry-later, \"40\": transient}");
    assertThat(retry.later())
        .isEqualTo(
            new RetrySettings.Later(
                Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofMinutes(1), 500));
    assertThat(retry.sqlStates())
        .containsOnly(
            Map.entry("23503", "permanent"),
            Map.entry("23505", "retry-later"),
            Map.entry("40", "transient"));
  }

  @Test
  void refusesABadSqlStateAKindAndDelaysOutOfOrderNamingEachKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    "later: {first-delay: 5s, max-delay: 1s, colour: red},"
                        + " sqlstates: {\"2350\": permanent, \"23505\": later}"));
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "retry.later.max-delay must be ≥ retry.later.first-delay (5s), was 1s",
            "retry.later.colour is not a known setting",
            "retry.sqlstates.2350 is not a SQLSTATE (5 letters or digits, e.g. 23503) or a class"
                + " of them (2, e.g. 23)",
            "retry.sqlstates.23505 must be one of [transient, retry-later, permanent], was"
                + " 'later'");
  }
}
