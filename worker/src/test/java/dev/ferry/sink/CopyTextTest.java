package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CopyTextTest {
  private static String encode(String... values) {
    CopyText text = new CopyText(0);
    text.row(values);
    return new String(Arrays.copyOf(text.bytes(), text.size()), StandardCharsets.UTF_8);
  }

  @Test
  void columnsAreTabSeparatedAndTheRowEndsInANewline() {
    assertThat(encode("1", "two", "3.50")).isEqualTo("1\ttwo\t3.50\n");
  }

  @Test
  void theFourCharactersOfTheFormatAreEscaped() {
    assertThat(encode("a\\b", "c\td", "e\nf", "g\rh")).isEqualTo("a\\\\b\tc\\td\te\\nf\tg\\rh\n");
  }

  @Test
  void nullIsBackslashNAndTheTextBackslashNIsNot() {
    assertThat(encode(null, "\\N", "N")).isEqualTo("\\N\t\\\\N\tN\n");
  }

  @Test
  void anEmptyStringIsAnEmptyColumnNotNull() {
    assertThat(encode("", null, "")).isEqualTo("\t\\N\t\n");
    assertThat(encode("")).isEqualTo("\n");
  }

  @Test
  void byteaHexTextKeepsItsBackslashThroughTheDoubling() {
    // COPY's text format reads "\\x00ff" back as \x00ff, which bytea reads as the bytes 00 ff;
    // a single backslash would read as an escape ("\x00" is the byte 0 to COPY).
    assertThat(encode("\\x00ff", "\\x")).isEqualTo("\\\\x00ff\t\\\\x\n");
  }

  @Test
  void aValueThatIsTheEndOfDataMarkerCannotEndTheData() {
    assertThat(encode("\\.")).isEqualTo("\\\\.\n");
    assertThat(encode("x\n\\.\ny")).isEqualTo("x\\n\\\\.\\ny\n");
  }

  @Test
  void nonAsciiIsUtf8OfEveryLength() {
    String values = "é€😀Ω中";
    CopyText text = new CopyText(0);
    text.row(new String[] {values});

    assertThat(Arrays.copyOf(text.bytes(), text.size()))
        .isEqualTo((values + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLoneSurrogateIsAQuestionMarkAsStringEncodingMakesIt() {
    String lone = "a\uD83Db\uDE00";

    assertThat(encode(lone))
        .isEqualTo(
            new String((lone + "\n").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("a?b?\n");
  }

  @Test
  void rowsFollowOneAnotherAndTheBufferGrowsPastItsFirstSize() {
    CopyText text = new CopyText(1);
    String wide = "x".repeat(1_000);
    for (int i = 0; i < 100; i++) {
      text.row(new String[] {Integer.toString(i), wide});
    }

    String all = new String(Arrays.copyOf(text.bytes(), text.size()), StandardCharsets.UTF_8);
    String[] lines = all.split("\n", -1);
    assertThat(lines).hasSize(101);
    assertThat(lines[42]).isEqualTo("42\t" + wide);
    assertThat(lines[100]).isEmpty();
  }
}
