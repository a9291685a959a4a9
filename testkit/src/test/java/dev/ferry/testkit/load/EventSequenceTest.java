package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventSequenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sameSeedGivesTheSameRecordsByteForByte() {
    List<GeneratedRecord> first = take(new EventSequence(42, 1000, 0.1), 5_000);
    List<GeneratedRecord> second = take(new EventSequence(42, 1000, 0.1), 5_000);

    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).keyBytes()).isEqualTo(first.get(i).keyBytes());
      assertThat(second.get(i).valueBytes()).isEqualTo(first.get(i).valueBytes());
      assertThat(second.get(i).badKind()).isEqualTo(first.get(i).badKind());
    }
  }

  @Test
  void anotherSeedGivesOtherRecords() {
    List<GeneratedRecord> a = take(new EventSequence(1, 1000, 0.0), 100);
    List<GeneratedRecord> b = take(new EventSequence(2, 1000, 0.0), 100);

    assertThat(a.stream().map(GeneratedRecord::value))
        .doesNotContainAnyElementsOf(b.stream().map(GeneratedRecord::value).toList());
  }

  @Test
  void theBadFractionOnlyChangesWhichRecordsAreBadNotTheEvents() {
    List<GeneratedRecord> clean = take(new EventSequence(7, 50, 0.0), 1_000);
    List<GeneratedRecord> dirty = take(new EventSequence(7, 50, 0.3), 1_000);

    for (int i = 0; i < clean.size(); i++) {
      assertThat(dirty.get(i).event()).isEqualTo(clean.get(i).event());
      assertThat(dirty.get(i).key()).isEqualTo(clean.get(i).key());
    }
  }

  @Test
  void goodRecordsFollowTheEventsSchema() throws Exception {
    Set<String> fields = Set.of("event_id", "user_id", "type", "amount", "ts", "attrs");
    for (GeneratedRecord record : take(new EventSequence(42, 10, 0.0), 2_000)) {
      JsonNode json = JSON.readTree(record.value());
      List<String> names = new ArrayList<>();
      json.fieldNames().forEachRemaining(names::add);

      assertThat(names).containsExactlyInAnyOrderElementsOf(fields);
      assertThat(UUID.fromString(json.get("event_id").textValue()).version()).isEqualTo(4);
      assertThat(json.get("user_id").textValue()).isEqualTo(record.key()).matches("user-[0-9]");
      assertThat(Event.TYPES).contains(json.get("type").textValue());
      assertThat(json.get("ts").textValue())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(json.get("attrs").get("source").textValue()).isIn("web", "app", "api");
      assertThat(json.get("attrs").get("n").longValue()).isEqualTo(record.index());

      BigDecimal amount = record.event().amount();
      assertThat(amount.scale()).isEqualTo(2);
      assertThat(amount).isBetween(BigDecimal.ZERO, new BigDecimal("9999.99"));
      assertThat(json.get("amount").isNumber()).isTrue();
      assertThat(record.value()).contains("\"amount\":" + amount.toPlainString() + ",");
      assertThat(record.event().ts())
          .isBetween(
              EventSequence.BASE_TIME.plusSeconds(record.index()),
              EventSequence.BASE_TIME.plusSeconds(record.index()).plus(Duration.ofMillis(999)));
    }
  }

  @Test
  void badRecordsCycleThroughTheThreeKindsAndKeepTheirKey() {
    List<GeneratedRecord> bad =
        take(new EventSequence(42, 100, 0.25), 4_000).stream().filter(r -> !r.isGood()).toList();

    assertThat(bad).hasSizeBetween(800, 1_200); // 25 % of 4,000, give or take
    Map<BadRecordKind, Integer> perKind = new EnumMap<>(BadRecordKind.class);
    for (int i = 0; i < bad.size(); i++) {
      GeneratedRecord record = bad.get(i);
      assertThat(record.badKind()).isEqualTo(BadRecordKind.values()[i % 3]);
      assertThat(record.key()).isEqualTo(record.event().userId());
      perKind.merge(record.badKind(), 1, Integer::sum);
      assertBadValue(record);
    }
    assertThat(perKind).containsOnlyKeys(BadRecordKind.values());
  }

  private static void assertBadValue(GeneratedRecord record) {
    switch (record.badKind()) {
      case INVALID_JSON -> {
        assertThat(record.value()).startsWith("{\"event_id\":\"");
        assertThatThrownBy(() -> JSON.readTree(record.value()))
            .isInstanceOf(JsonProcessingException.class);
      }
      case JSON_ARRAY -> assertThat(readTree(record.value()).isArray()).isTrue();
      case INVALID_EVENT_ID -> {
        JsonNode json = readTree(record.value());
        assertThat(json.get("event_id").textValue()).isEqualTo("not-a-uuid");
        assertThat(json.get("user_id").textValue()).isEqualTo(record.key());
      }
    }
    assertThatThrownBy(() -> Event.fromJson(record.value()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyRecordIsBadAtFractionOneAndNoneAtZero() {
    assertThat(take(new EventSequence(3, 10, 1.0), 300)).noneMatch(GeneratedRecord::isGood);
    assertThat(take(new EventSequence(3, 10, 0.0), 300)).allMatch(GeneratedRecord::isGood);
  }

  @Test
  void rejectsSettingsOutOfRange() {
    assertThatThrownBy(() -> new EventSequence(1, 0, 0.0)).hasMessageContaining("users");
    assertThatThrownBy(() -> new EventSequence(1, 1, 1.5)).hasMessageContaining("badFraction");
    assertThatThrownBy(() -> new EventSequence(1, 1, Double.NaN))
        .hasMessageContaining("badFraction");
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static List<GeneratedRecord> take(EventSequence sequence, int n) {
    List<GeneratedRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(sequence.next());
    }
    return records;
  }
}
