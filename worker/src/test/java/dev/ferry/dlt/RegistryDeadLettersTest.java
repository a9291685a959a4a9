package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Framing;
import dev.ferry.format.ValueFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code dlt list} shows a registry-framed dead letter of a registry-format pipeline with its
 * schema id and decoded value, says why when it cannot decode it, and leaves anything else raw.
 */
class RegistryDeadLettersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Knows schema 7, whose bodies are JSON text; any other id is unknown. */
  private static final ValueFormat FORMAT =
      bytes -> {
        Framing framing = Framing.read(bytes);
        if (framing.schemaId() != 7) {
          throw new RecordFailure(
              Reason.UNKNOWN_SCHEMA, "the registry has no schema id " + framing.schemaId());
        }
        try {
          return (ObjectNode)
              JSON.readTree(Arrays.copyOfRange(bytes, framing.bodyOffset(), bytes.length));
        } catch (java.io.IOException e) {
          throw new RecordFailure(Reason.INVALID_AVRO, "bad body", e);
        }
      };

  private final StringWriter out = new StringWriter();

  private static byte[] framed(int id, String body) {
    byte[] text = body.getBytes(UTF_8);
    byte[] bytes = new byte[5 + text.length];
    bytes[4] = (byte) id;
    System.arraycopy(text, 0, bytes, 5, text.length);
    return bytes;
  }

  private static ConsumerRecord<byte[], byte[]> letter(long offset, String pipeline, byte[] value) {
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("orders.dlt", 0, offset, null, value);
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, "orders".getBytes(UTF_8))
        .add(DeadLetterHeaders.PIPELINE, pipeline.getBytes(UTF_8))
        .add(DeadLetterHeaders.REASON, "invalid-value".getBytes(UTF_8));
    return r;
  }

  private String[] listed(String format) throws Exception {
    DltListing listing =
        new DltListing(
            DltFilter.parse(null, null, null, null, null, null, Clock.systemUTC()),
            10,
            format,
            new PrintWriter(out, true),
            new RegistryValues(Map.of("orders", FORMAT)));
    listing.record(letter(0, "orders", framed(7, "{\"id\":1}")));
    listing.record(letter(1, "orders", framed(9, "{\"id\":2}")));
    listing.record(letter(2, "events", framed(7, "{\"id\":3}")));
    listing.record(letter(3, "orders", "{\"id\":4}".getBytes(UTF_8)));
    return out.toString().split("\\R");
  }

  @Test
  void aTableLineShowsTheSchemaIdAndTheDecodedValue() throws Exception {
    String[] lines = listed("table");

    assertThat(lines[0]).endsWith("schema-id=7 {\"id\":1}");
    assertThat(lines[1]).endsWith("schema-id=9 (not decoded: the registry has no schema id 9)");
    assertThat(lines[2])
        .as("another pipeline's value stays raw")
        .endsWith("\\x00\\x00\\x00\\x00\\x07{\"id\":3}");
    assertThat(lines[3]).as("not framed: raw").endsWith("{\"id\":4}");
  }

  @Test
  void jsonAddsTheSchemaIdAndTheDecodedValueBesideTheRawOne() throws Exception {
    String[] lines = listed("json");

    assertThat(JSON.readTree(lines[0]).get("schema_id").asInt()).isEqualTo(7);
    assertThat(JSON.readTree(lines[0]).get("value_decoded")).isEqualTo(JSON.readTree("{\"id\":1}"));
    assertThat(JSON.readTree(lines[0]).has("value")).as("the raw value too").isTrue();
    assertThat(JSON.readTree(lines[1]).get("not_decoded").asText())
        .isEqualTo("the registry has no schema id 9");
    assertThat(JSON.readTree(lines[2]).has("schema_id")).isFalse();
  }
}
