package dev.ferry.coerce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.format.JsonFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The jsonb coercer sends a kept object's or array's own text, with the same NUL refusal as the
 * tree's text; json and text columns keep the tree's spelling.
 */
class JsonbRawTextTest {
  private static final Coercer JSONB =
      Coercers.of(ColumnType.of("jsonb", "jsonb", "jsonb", 'U', -1)).orElseThrow();
  private static final Coercer JSON =
      Coercers.of(ColumnType.of("json", "json", "json", 'U', -1)).orElseThrow();

  private static JsonNode attrs(String attrs) throws Exception {
    byte[] value = ("{\"attrs\": " + attrs + ", \"id\": 1}").getBytes(UTF_8);
    return new JsonFormat().onlyFields(Set.of("attrs")).decode(value).get("attrs");
  }

  @Test
  void jsonbIsTheRecordsTextAndJsonTheTreesText() throws Exception {
    JsonNode attrs = attrs("{ \"b\" : 1.50e1, \"a\":[true , null] }");

    assertThat(JSONB.apply(attrs)).isEqualTo("{ \"b\" : 1.50e1, \"a\":[true , null] }");
    assertThat(JSON.apply(attrs)).isEqualTo("{\"b\":15.0,\"a\":[true,null]}");
    assertThat(JSONB.apply(attrs("[1, \"x\"]"))).isEqualTo("[1, \"x\"]");
  }

  @Test
  void aNulEscapeInTheRecordsTextIsRefused() throws Exception {
    CoercionException e =
        catchThrowableOfType(
            CoercionException.class, () -> JSONB.apply(attrs("{\"s\": \"a\\u0000b\"}")));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("NUL character");
    CoercionException inName =
        catchThrowableOfType(
            CoercionException.class, () -> JSONB.apply(attrs("[{\"\\u0000\": 1}]")));
    assertThat(inName).isNotNull();
  }

  @Test
  void anEscapedBackslashBeforeU0000IsText() throws Exception {
    assertThat(JSONB.apply(attrs("{\"s\": \"\\\\u0000\"}"))).isEqualTo("{\"s\": \"\\\\u0000\"}");
  }

  @Test
  void anEscapedSurrogateIsWrittenFromTheTree() throws Exception {
    JsonNode lone = attrs("{\"s\": \"\\ud800\"}");
    assertThat(JSONB.apply(lone)).isEqualTo(lone.toString());
    JsonNode pair = attrs("{\"s\": \"\\uD83D\\uDE00\"}");
    assertThat(JSONB.apply(pair)).isEqualTo("{\"s\":\"😀\"}");
    // An escaped backslash before the letters is no escape: the record's text stays.
    assertThat(JSONB.apply(attrs("{\"s\": \"\\\\ud800\"}"))).isEqualTo("{\"s\": \"\\\\ud800\"}");
  }
}
