package dev.ferry.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.errors.RecordFailure;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure reason of the JSON format, whole and reading only mapped fields: a fault in a field
 * the pipeline does not map fails the record just the same.
 */
class JsonFormatFailuresTest {
  static List<JsonFormat> formats() {
    return List.of(new JsonFormat(), new JsonFormat().onlyFields(Set.of("a")));
  }

  private static RecordFailure failure(JsonFormat format, String value) {
    return failure(format, value.getBytes(UTF_8));
  }

  private static RecordFailure failure(JsonFormat format, byte[] value) {
    RecordFailure f = catchThrowableOfType(RecordFailure.class, () -> format.decode(value));
    assertThat(f).as(new String(value, UTF_8)).isNotNull();
    return f;
  }

  @ParameterizedTest
  @MethodSource("formats")
  void emptyValues(JsonFormat format) {
    for (String value : List.of("", "  \n ")) {
      RecordFailure f = failure(format, value);
      assertThat(f.reason().code()).isEqualTo("invalid-json");
      assertThat(f.getMessage()).isEqualTo("value is empty");
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void notAnObjectNamesWhatItIs(JsonFormat format) {
    String[][] cases = {
      {"[1,2]", "array"},
      {"1.5", "number"},
      {"\"s\"", "string"},
      {"true", "boolean"},
      {"null", "null"}
    };
    for (String[] c : cases) {
      RecordFailure f = failure(format, c[0]);
      assertThat(f.reason().code()).isEqualTo("not-an-object");
      assertThat(f.getMessage()).isEqualTo("value must be a JSON object, was " + c[1]);
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void invalidJsonAnywhere(JsonFormat format) {
    for (String value :
        List.of(
            "{\"a\": ",
            "{\"a\":1,}",
            "{\"skip\": [1,,2], \"a\": 1}",
            "{\"skip\": {\"x\" 1}, \"a\": 1}",
            "{\"skip\": tru, \"a\": 1}",
            "{\"skip\": \"bad \\q escape\", \"a\": 1}",
            "{\"skip\": 01, \"a\": 1}",
            "{\"a\": 1} x",
            "[1,2")) {
      RecordFailure f = failure(format, value);
      assertThat(f.reason().code()).as(value).isEqualTo("invalid-json");
      assertThat(f.getMessage()).as(value).startsWith("value is not valid JSON: ");
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void trailingTokens(JsonFormat format) {
    for (String value : List.of("{} {}", "{\"a\":1} 2", "{\"skip\":[]} \"x\"")) {
      RecordFailure f = failure(format, value);
      assertThat(f.reason().code()).isEqualTo("invalid-json");
      assertThat(f.getMessage()).contains("Trailing token").contains("found after value");
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void invalidUtf8InAMappedOrSkippedField(JsonFormat format) {
    byte[][] cases = {
      bytes("{\"a\":\"", new byte[] {(byte) 0xFF}, "\"}"),
      bytes("{\"skip\":\"", new byte[] {(byte) 0xC3, 0x28}, "\",\"a\":1}"),
      bytes("{\"skip\":[\"", new byte[] {(byte) 0xE2, (byte) 0x82}, "\"],\"a\":1}"),
      bytes("{\"skip\":{\"", new byte[] {(byte) 0xFF}, "\":1},\"a\":1}")
    };
    for (byte[] value : cases) {
      RecordFailure f = failure(format, value);
      assertThat(f.reason().code()).isEqualTo("invalid-utf8");
      assertThat(f.getMessage()).startsWith("value is not valid UTF-8: ");
    }
  }

  @ParameterizedTest
  @MethodSource("formats")
  void nestingTooDeepEvenInASkippedField(JsonFormat format) throws RecordFailure {
    // The outer object is the first level of the 1,000 the parser allows.
    String deep = "[".repeat(999) + "]".repeat(999);
    assertThat(format.decode(("{\"skip\":" + deep + "}").getBytes(UTF_8))).isNotNull();

    String tooDeep = "[".repeat(1_000) + "]".repeat(1_000);
    RecordFailure f = failure(format, "{\"skip\":" + tooDeep + ",\"a\":1}");
    assertThat(f.reason().code()).isEqualTo("invalid-json");
    assertThat(f.getMessage()).contains("nesting depth");
  }

  @ParameterizedTest
  @MethodSource("formats")
  void numberTooLongEvenInASkippedField(JsonFormat format) {
    RecordFailure f = failure(format, "{\"skip\":" + "9".repeat(1_001) + ",\"a\":1}");
    assertThat(f.reason().code()).isEqualTo("invalid-json");
  }

  private static byte[] bytes(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(UTF_8));
    return out.toByteArray();
  }
}
