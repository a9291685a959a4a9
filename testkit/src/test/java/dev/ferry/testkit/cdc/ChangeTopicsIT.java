package dev.ferry.testkit.cdc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waits change-data-capture tests build on, against real Debezium output with schemas off and a
 * connector setting of the test's own: a marker says everything before it is streamed, a topic's
 * record count is awaited exactly, and both waits fail with what they saw when the condition never
 * holds.
 */
@Timeout(180)
class ChangeTopicsIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void aMarkerFollowsEveryEarlierChangeAndCountsAreExact(@TempDir Path dir) {
    try (PrivatePostgres pg = PrivatePostgres.start();
        SourceDatabase db = SourceDatabase.open(pg, "postgres")) {
      db.execute(
          "CREATE TABLE items (id int PRIMARY KEY, price numeric(10,2))",
          "INSERT INTO items VALUES (1, 1.50)");
      db.createMarkerTable();
      DebeziumConnect.Source source =
          new DebeziumConnect.Source(
              pg,
              "postgres",
              KAFKA.uniqueTopic("src"),
              List.of("public.items", SourceDatabase.MARKER_TABLE),
              Map.of("decimal.handling.mode", "string"));
      KAFKA.createTopic(source.topic("public.items"), 1);
      KAFKA.createTopic(source.topic(SourceDatabase.MARKER_TABLE), 1);
      try (DebeziumConnect connect =
          DebeziumConnect.start(dir, KAFKA.bootstrapServers(), source, false)) {
        db.transaction(
            List.of("INSERT INTO items VALUES (2, 2.25)", "INSERT INTO items VALUES (3, 3)"));
        db.execute("DELETE FROM items WHERE id = 1");
        long marker = db.mark();

        connect.awaitMarker(marker, Duration.ofSeconds(60));

        // r, c, c, d and the delete's tombstone, all streamed before the marker.
        assertThat(connect.awaitRecords("public.items", 5, Duration.ofSeconds(5))).isEqualTo(5);
        ChangeTopics.awaitEvent(
            KAFKA.bootstrapServers(),
            connect.topic("public.items"),
            event -> event.path("after").path("price").asText().equals("2.25"),
            "with the price as the string the connector setting asks for",
            Duration.ofSeconds(5));
        assertThatThrownBy(() -> connect.awaitRecords("public.items", 6, Duration.ofMillis(1500)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("holds 5 records")
            .hasMessageContaining("expected 6");
        assertThatThrownBy(() -> connect.awaitMarker(marker + 1, Duration.ofMillis(1500)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("no event for marker " + (marker + 1) + " among 1 records");
      }
    }
  }

  @Test
  void aPayloadIsTheValueWithOrWithoutTheSchemaWrapper() {
    String bare = "{\"op\":\"c\",\"after\":{\"id\":1}}";
    String wrapped = "{\"schema\":{\"type\":\"struct\"},\"payload\":" + bare + "}";

    assertThat(ChangeTopics.payload(bare.getBytes(UTF_8)).path("op").asText()).isEqualTo("c");
    assertThat(ChangeTopics.payload(wrapped.getBytes(UTF_8)).path("after").path("id").asInt())
        .isEqualTo(1);
  }
}
