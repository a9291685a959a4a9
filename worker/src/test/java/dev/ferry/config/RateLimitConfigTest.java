package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pipeline's {@code rate-limit}: optional parts, validated at start, every problem by key. */
class RateLimitConfigTest {
  private static final String CONFIG =
      """
      kafka: {bootstrap-servers: "localhost:9092", group-id: g}
      database: {url: "jdbc:postgresql://localhost/app"}
      pipelines:
        - {name: events, topics: [events], table: events, columns: {event_id: /event_id}%s}
        - {name: orders, topics: [orders], table: orders, columns: {order_id: /order_id}}
      """;

  private static FerryConfig load(String rateLimit) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(CONFIG.formatted(rateLimit.isEmpty() ? "" : ", rate-limit: " + rateLimit), "t.yaml");
  }

  @Test
  void absentIsUnlimited() throws Exception {
    FerryConfig config = load("");
    assertThat(config.pipelines().get(0).rateLimit()).isEqualTo(RateLimit.UNLIMITED);
    assertThat(config.pipelines().get(1).rateLimit().isUnlimited()).isTrue();
  }

  @Test
  void bothPartsAreReadAndEachIsOptional() throws Exception {
    RateLimit both =
        load("{records-per-second: 100, max-transactions: 2}").pipelines().get(0).rateLimit();
    assertThat(both.recordsPerSecond()).hasValue(100.0);
    assertThat(both.maxTransactions()).hasValue(2);
    assertThat(both.describe()).isEqualTo("100 records/s, 2 transactions at once");

    RateLimit records = load("{records-per-second: 0.5}").pipelines().get(0).rateLimit();
    assertThat(records.recordsPerSecond()).hasValue(0.5);
    assertThat(records.maxTransactions()).isEmpty();
    assertThat(records.describe()).isEqualTo("0.5 records/s, unlimited transactions at once");

    RateLimit transactions = load("{max-transactions: 1}").pipelines().get(0).rateLimit();
    assertThat(transactions.recordsPerSecond()).isEmpty();
    assertThat(transactions.json())
        .isEqualTo("{\"records-per-second\":null,\"max-transactions\":1}");
    assertThat(load("{max-transactions: 1}").pipelines().get(0).toString())
        .contains(", rate-limit=unlimited records/s, 1 transaction at once");
  }

  @Test
  void everyBadPartIsReportedNamingItsKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> load("{records-per-second: 0, max-transactions: 0, burst: 5}"));
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "pipelines[0].rate-limit.records-per-second must be a number above 0 and at most 1e9"
                + " (fractions allowed), was '0'",
            "pipelines[0].rate-limit.max-transactions must be ≥ 1, was 0",
            "pipelines[0].rate-limit.burst is not a known setting");

    ConfigException words =
        catchThrowableOfType(
            ConfigException.class, () -> load("{records-per-second: fast, max-transactions: 1.5}"));
    assertThat(words.problems())
        .containsExactlyInAnyOrder(
            "pipelines[0].rate-limit.records-per-second must be a number above 0 and at most 1e9"
                + " (fractions allowed), was 'fast'",
            "pipelines[0].rate-limit.max-transactions must be a whole number, was '1.5'");
  }

  @Test
  void aRateLimitThatIsNotAMappingIsRefused() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load("100"));
    assertThat(e.problems())
        .anyMatch(p -> p.startsWith("pipelines[0].rate-limit must be a mapping"));
  }
}
