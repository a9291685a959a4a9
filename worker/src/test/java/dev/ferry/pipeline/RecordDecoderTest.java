package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonPointer;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
  private final RecordDecoder decoder = new RecordDecoder();

  private RecordFailure failure(byte[] value) {
    return catchThrowableOfType(RecordFailure.class, () -> decoder.decode(value));
  }

  @Test
  void badInputIsAPermanentDecodeFailureWithAReason() {
    assertThat(failure("{\"a\": ".getBytes(UTF_8)).reason()).isEqualTo("invalid-json");
    assertThat(failure("{} {}".getBytes(UTF_8)).reason()).isEqualTo("invalid-json");
    assertThat(failure(new byte[0]).reason()).isEqualTo("invalid-json");
    assertThat(failure(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}).reason())
        .isEqualTo("invalid-utf8");
    assertThat(failure(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}).reason())
        .isEqualTo("invalid-utf8");
    RecordFailure array = failure("[1,2]".getBytes(UTF_8));
    assertThat(array.reason()).isEqualTo("not-an-object");
    assertThat(array.stage()).isEqualTo(Stage.DECODE);
    assertThat(array.getMessage()).isEqualTo("value must be a JSON object, was array");
  }

  @Test
  void mapsPointersToSqlTextKeepingExactNumbers() throws Exception {
    RowMapper mapper =
        new RowMapper(
            List.of(
                JsonPointer.compile("/id"),
                JsonPointer.compile("/amount"),
                JsonPointer.compile("/big"),
                JsonPointer.compile("/flag"),
                JsonPointer.compile("/attrs"),
                JsonPointer.compile("/missing"),
                JsonPointer.compile("/nothing"),
                JsonPointer.compile("/attrs/n")));
    String json =
        "{\"id\":\"abc\",\"amount\":0.1000000000000000055511151231257827,\"big\":12345678901234567890,"
            + "\"flag\":true,\"attrs\":{\"n\":1,\"s\":\"x\"},\"nothing\":null}";

    String[] row = mapper.map(decoder.decode(json.getBytes(UTF_8)));

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
}
