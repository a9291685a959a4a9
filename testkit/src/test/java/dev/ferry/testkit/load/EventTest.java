package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventTest {

  private static Event event(String amount) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("source", "web");
    attrs.put("n", 7);
    return new Event(
        UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"),
        "user-7",
        "purchase",
        new BigDecimal(amount),
        Instant.parse("2025-01-01T00:00:07.120Z"),
        attrs);
  }

  @Test
  void writesTheSchemaFieldsInOrderWithMillisecondsAndTwoDecimals() {
    assertThat(event("12.30").toJson())
        .isEqualTo(
            "{\"event_id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"user_id\":\"user-7\","
                + "\"type\":\"purchase\",\"amount\":12.30,\"ts\":\"2025-01-01T00:00:07.120Z\","
                + "\"attrs\":{\"source\":\"web\",\"n\":7}}");
  }

  @Test
  void readsBackWhatItWrote() {
    for (String amount : new String[] {"0.00", "0.05", "12.30", "9999.99"}) {
      Event event = event(amount);
      assertThat(Event.fromJson(event.toJson())).isEqualTo(event);
    }
  }

  @Test
  void truncatesTimestampsToMilliseconds() {
    Event event =
        new Event(
            UUID.randomUUID(),
            "u",
            "click",
            BigDecimal.ONE,
            Instant.parse("2025-01-01T00:00:00.123456789Z"),
            Map.of());
    assertThat(event.ts()).isEqualTo(Instant.parse("2025-01-01T00:00:00.123Z"));
  }

  @Test
  void rejectsWhatIsNotAnEvent() {
    assertThatThrownBy(() -> Event.fromJson("{\"event_id\": \""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Event.fromJson("[1,2]")).hasMessageContaining("not a JSON object");
    String notAUuid = event("1.00").toJson().replace("0f8fad5b-d9cb-469f-a165-70867728950e", "x");
    assertThatThrownBy(() -> Event.fromJson(notAUuid)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Event.fromJson("{\"event_id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"}"))
        .hasMessageContaining("missing field user_id");
  }
}
