package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ColumnSource;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import dev.ferry.format.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class JsonFormatTest {
  private final JsonFormat decoder = new JsonFormat();

  private RecordFailure failure(byte[] value) {
    return catchThrowableOfType(RecordFailure.class, () -> decoder.decode(value));
  }

  @Test
  void badInputIsAPermanentDecodeFailureWithAReason() {
    assertThat(failure("{\"a\": ".getBytes(UTF_8)).reason().code()).isEqualTo("invalid-json");
    assertThat(failure("{} {}".getBytes(UTF_8)).reason().code()).isEqualTo("invalid-json");
    assertThat(failure(new byte[0]).reason().code()).isEqualTo("invalid-json");
    assertThat(failure(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}).reason().code())
        .isEqualTo("invalid-utf8");
    assertThat(
            failure(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'})
                .reason()
                .code())
        .isEqualTo("invalid-utf8");
    RecordFailure array = failure("[1,2]".getBytes(UTF_8));
    assertThat(array.reason().code()).isEqualTo("not-an-object");
    assertThat(array.stage()).isEqualTo(Stage.DECODE);
    assertThat(array.getMessage()).isEqualTo("value must be a JSON object, was array");
  }

  @Test
  void mapsPointersToSqlTextKeepingExactNumbers() throws Exception {
    RowMapper mapper =
        new RowMapper(
            List.of(
                ColumnSource.parse("/id"),
                ColumnSource.parse("/amount"),
                ColumnSource.parse("/big"),
                ColumnSource.parse("/flag"),
                ColumnSource.parse("/attrs"),
                ColumnSource.parse("/missing"),
                ColumnSource.parse("/nothing"),
                ColumnSource.parse("/attrs/n")));
    String json =
        "{\"id\":\"abc\",\"amount\":0.1000000000000000055511151231257827,\"big\":12345678901234567890,"
            + "\"flag\":true,\"attrs\":{\"n\":1,\"s\":\"x\"},\"nothing\":null}";

    String[] row = asText(mapper.map(decoder.decode(json.getBytes(UTF_8)), record(null)));

    assertThat(row)
        .containsExactly(
            "abc",
            "0.1000000000000000055511151231257827",
            "12345678901234567890",
            "true",
            "{\"n\":1,\"s\":\"x\"}",
            null,
            null,
            "1");
  }

  /** The values as a text column receives them. */
  private static String[] asText(JsonNode[] values) throws RecordFailure {
    ColumnType text = ColumnType.of("text", "text", "text", 'S', -1);
    List<RowCoercer.Column> columns = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      columns.add(new RowCoercer.Column("c" + i, text, Coercers.of(text).orElseThrow()));
    }
    return new RowCoercer(columns, List.of()).row(values);
  }

  private static ConsumerRecord<byte[], byte[]> record(String key) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            "orders",
            3,
            42L,
            1_767_225_600_000L,
            TimestampType.CREATE_TIME,
            0,
            0,
            key == null ? null : key.getBytes(UTF_8),
            new byte[0],
            new RecordHeaders(),
            Optional.empty());
    r.headers().add("trace", "abc".getBytes(UTF_8));
    return r;
  }

  @Test
  void mapsTheKeyAndTheRecordsMetadata() throws Exception {
    RowMapper mapper =
        new RowMapper(
            List.of(
                ColumnSource.parse("@key/id"),
                ColumnSource.parse("@topic"),
                ColumnSource.parse("@partition"),
                ColumnSource.parse("@offset"),
                ColumnSource.parse("@timestamp"),
                ColumnSource.parse("@header:trace"),
                ColumnSource.parse("@header:absent"),
                ColumnSource.parse("@key")));

    String[] row = asText(mapper.map(decoder.decode("{}".getBytes(UTF_8)), record("{\"id\":7}")));

    assertThat(row)
        .containsExactly(
            "7", "orders", "3", "42", "2026-01-01T00:00:00Z", "abc", null, "{\"id\":7}");
  }

  @Test
  void aKeyThatIsNotJsonFailsOnlyWhenASourceNeedsIt() throws Exception {
    ObjectNode value = decoder.decode("{\"a\":1}".getBytes(UTF_8));
    assertThat(
            asText(new RowMapper(List.of(ColumnSource.parse("@key"))).map(value, record("plain"))))
        .containsExactly("plain");
    RecordFailure f =
        catchThrowableOfType(
            RecordFailure.class,
            () ->
                new RowMapper(List.of(ColumnSource.parse("@key/id"))).map(value, record("plain")));
    assertThat(f.reason().code()).isEqualTo("invalid-key");
  }

  @Test
  void unknownSourcesAreRejectedWithWhatIsAccepted() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ColumnSource.parse("@value"))
        .withMessageContaining("@key/pointer, @topic, @partition, @offset, @timestamp");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ColumnSource.parse("@key/x~9"))
        .withMessageContaining("no valid JSON Pointer after @key");
  }
}
