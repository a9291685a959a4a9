package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.bookkeeping.PipelineRateLimits.RateOverride;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.RateLimit;
import dev.ferry.support.ManualClock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The limits in force: the config's from the start, an override in their place while its row
 * exists, the config's again once it is cleared; overrides of pipelines the config does not have
 * are ignored; without the table nothing is read.
 */
class RateLimitedPipelinesTest {
  private static final Instant AT = Instant.parse("2026-12-02T04:00:00Z");

  private final FerryConfig config =
      ConfigLoader.withEnvironment(Map.of())
          .parse(
              """
              kafka: {bootstrap-servers: "localhost:9092", group-id: g}
              database: {url: "jdbc:postgresql://localhost/app"}
              pipelines:
                - {name: a, topics: [a], table: a, columns: {x: /x},
                   rate-limit: {records-per-second: 100, max-transactions: 2}}
                - {name: b, topics: [b], table: b, columns: {x: /x}}
              """,
              "t.yaml");
  private final RateLimitedPipelines limits = new RateLimitedPipelines(config, new ManualClock(AT));

  RateLimitedPipelinesTest() throws Exception {}

  private static RateOverride override(String pipeline, double records) {
    return new RateOverride(
        pipeline,
        new RateLimit(OptionalDouble.of(records), OptionalInt.empty()),
        AT,
        "cli:ops@host");
  }

  @Test
  void theConfiguredLimitsHoldFromTheStart() {
    assertThat(limits.effective("a").describe()).isEqualTo("100 records/s, 2 transactions at once");
    assertThat(limits.effective("b").isUnlimited()).isTrue();
    assertThat(limits.limited()).containsOnlyKeys("a");
    assertThat(limits.override("a")).isEmpty();
    assertThat(limits.store()).isEmpty();
    limits.refresh(); // without the table: nothing to read, nothing changes
    assertThat(limits.effective("a").recordsPerSecond()).hasValue(100.0);
  }

  @Test
  void anOverrideTakesThePlaceOfTheWholeConfiguredLimitUntilCleared() {
    limits.apply(
        Map.of("a", override("a", 300), "b", override("b", 5), "gone", override("gone", 1)));

    assertThat(limits.effective("a").recordsPerSecond()).hasValue(300.0);
    assertThat(limits.effective("a").maxTransactions()).isEmpty(); // the row's null: unlimited
    assertThat(limits.effective("b").recordsPerSecond()).hasValue(5.0);
    assertThat(limits.override("a")).isPresent();
    assertThat(limits.knows("gone")).isFalse();
    assertThat(limits.limited()).containsOnlyKeys("a", "b");

    limits.apply(Map.of("b", override("b", 5)));

    assertThat(limits.effective("a").describe()).isEqualTo("100 records/s, 2 transactions at once");
    assertThat(limits.override("a")).isEmpty();
    assertThat(limits.configured("a").maxTransactions()).hasValue(2);
  }
}
