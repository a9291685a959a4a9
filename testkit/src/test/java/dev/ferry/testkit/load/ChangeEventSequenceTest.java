package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bench's change events against real ones: {@code debezium-events-table.jsonl} holds three
 * events Debezium 3.6.1 wrote for the table {@link ChangeEventSequence} describes (an insert, an
 * update of it, another insert; topic prefix {@code bench}, schemas on), captured once with
 * cli.CdcSource.
 */
class ChangeEventSequenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void keysAndValuesHaveTheConnectSchemasOfRealEvents() throws IOException {
    JsonNode real = realEvents().get(1);
    JsonNode[] made =
        parse(new ChangeEventSequence(1, 10, "bench", "public", "events", true).next());

    assertThat(made[0].get("schema")).isEqualTo(real.get("key").get("schema"));
    assertThat(made[1].get("schema")).isEqualTo(real.get("value").get("schema"));
  }

  @Test
  void payloadsHaveTheFieldsOfRealEventsInTheirOrderAndJsonTypes() throws IOException {
    JsonNode real = realEvents().get(1).get("value").get("payload");
    ChangeEventSequence sequence =
        new ChangeEventSequence(1, 10, "bench", "public", "events", true);
    sequence.next();
    JsonNode made = parse(sequence.next())[1].get("payload"); // one with a previous LSN

    assertSameShape(made, real);
    assertSameShape(made.get("after"), real.get("after"));
    assertSameShape(made.get("source"), real.get("source"));
    for (String field : List.of("version", "connector", "name", "snapshot", "db", "schema")) {
      assertThat(made.get("source").get(field)).as(field).isEqualTo(real.get("source").get(field));
    }
    assertThat(made.get("source").get("table").asText()).isEqualTo("events");
  }

  @Test
  void valuesAreEncodedAsDebeziumEncodesTheirTypes() throws IOException {
    // the real events' amounts 12.30, -9999.99 and 0 (scale 2)
    assertThat(ChangeEventSequence.decimal(1230)).isEqualTo("BM4=");
    assertThat(ChangeEventSequence.decimal(-999_999)).isEqualTo("8L3B");
    assertThat(ChangeEventSequence.decimal(0)).isEqualTo("AA==");
    String zonedTimestamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
    String jsonbText = "\\{\"n\": \\d+, \"source\": \"[a-z]+\"}";
    for (JsonNode real : realEvents()) {
      JsonNode after = real.get("value").get("payload").get("after");
      assertThat(after.get("ts").asText()).matches(zonedTimestamp);
      assertThat(after.get("attrs").asText()).matches(jsonbText);
    }

    ChangeEventSequence sequence =
        new ChangeEventSequence(7, 100, "bench", "public", "events", true);
    for (int i = 0; i < 1_000; i++) {
      JsonNode after = parse(sequence.next())[1].get("payload").get("after");
      BigDecimal amount =
          new BigDecimal(
              new BigInteger(Base64.getDecoder().decode(after.get("amount").asText())), 2);
      assertThat(amount).isBetween(BigDecimal.ZERO, new BigDecimal("9999.99"));
      assertThat(after.get("ts").asText()).matches(zonedTimestamp);
      assertThat(after.get("attrs").asText()).matches(jsonbText);
      assertThat(JSON.readTree(after.get("attrs").asText()).get("n").asLong()).isEqualTo(i);
      assertThat(after.get("event_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-.*");
    }
  }

  @Test
  void eachKeyIsCreatedOnceThenUpdatedAndPositionsOnlyGrow() throws IOException {
    ChangeEventSequence sequence =
        new ChangeEventSequence(3, 250, "bench", "public", "events", true);
    Set<Long> created = new HashSet<>();
    long lastLsn = -1;
    long lastTxId = -1;
    long lastTsMs = -1;
    for (int i = 0; i < 1_000; i++) {
      ChangeEvent event = sequence.next();
      JsonNode[] json = parse(event);
      JsonNode payload = json[1].get("payload");
      JsonNode source = payload.get("source");
      long id = json[0].get("payload").get("id").asLong();

      assertThat(payload.get("op").asText()).isEqualTo(created.add(id) ? "c" : "u");
      assertThat(payload.get("before").isNull()).isTrue();
      assertThat(payload.get("after").get("id").asLong()).isEqualTo(id).isBetween(1L, 250L);
      assertThat(payload.get("after").get("seq").asLong()).isEqualTo(i + 1);
      long lsn = source.get("lsn").asLong();
      assertThat(lsn).isGreaterThan(lastLsn);
      String previous = lastLsn < 0 ? "null" : "\"" + lastLsn + "\"";
      assertThat(source.get("sequence").asText()).isEqualTo("[" + previous + ",\"" + lsn + "\"]");
      assertThat(source.get("txId").asLong()).isGreaterThan(lastTxId);
      assertThat(source.get("ts_ms").asLong()).isGreaterThan(lastTsMs);
      assertThat(payload.get("ts_ms").asLong())
          .isGreaterThanOrEqualTo(source.get("ts_ms").asLong());
      assertThat(source.get("ts_us").asLong() / 1_000).isEqualTo(source.get("ts_ms").asLong());
      assertThat(event).extracting(ChangeEvent::id, ChangeEvent::lsn).containsExactly(id, lsn);
      lastLsn = lsn;
      lastTxId = source.get("txId").asLong();
      lastTsMs = source.get("ts_ms").asLong();
    }
    assertThat(created).hasSizeGreaterThan(200); // most keys of 250 in 1,000 draws
  }

  @Test
  void theSameSeedGivesTheSameEventsAndSchemasOffLeavesOnlyThePayload() throws IOException {
    ChangeEventSequence on = new ChangeEventSequence(5, 50, "bench", "public", "events", true);
    ChangeEventSequence again = new ChangeEventSequence(5, 50, "bench", "public", "events", true);
    ChangeEventSequence off = new ChangeEventSequence(5, 50, "bench", "public", "events", false);
    for (int i = 0; i < 100; i++) {
      ChangeEvent withSchemas = on.next();
      ChangeEvent plain = off.next();
      assertThat(again.next()).isEqualTo(withSchemas);
      JsonNode[] wrapped = parse(withSchemas);
      assertThat(JSON.readTree(plain.key())).isEqualTo(wrapped[0].get("payload"));
      assertThat(JSON.readTree(plain.value())).isEqualTo(wrapped[1].get("payload"));
    }
  }

  private static void assertSameShape(JsonNode made, JsonNode real) {
    assertThat(fieldNames(made)).isEqualTo(fieldNames(real));
    Iterator<String> names = real.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      assertThat(made.get(name).getNodeType()).as(name).isEqualTo(real.get(name).getNodeType());
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode[] parse(ChangeEvent event) throws IOException {
    return new JsonNode[] {JSON.readTree(event.key()), JSON.readTree(event.value())};
  }

  private static List<JsonNode> realEvents() throws IOException {
    try (InputStream in =
        ChangeEventSequenceTest.class.getResourceAsStream("debezium-events-table.jsonl")) {
      List<JsonNode> events = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        events.add(JSON.readTree(line));
      }
      return events;
    }
  }
}
