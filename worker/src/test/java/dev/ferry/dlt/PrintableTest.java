package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void terminalControlSequencesAreShownNotSent() {
    assertThat(Printable.escape("a\u001b[31mred\u001b]0;title\u0007"))
        .isEqualTo("a\\x1b[31mred\\x1b]0;title\\x07");
    assertThat(Printable.escape("c1 \u009b2J del \u007f")).isEqualTo("c1 \\x9b2J del \\x7f");
    assertThat(Printable.escape("line\nnext\r\ttab")).isEqualTo("line\\nnext\\r\\ttab");
    assertThat(Printable.escape("bidi \u202eevil")).isEqualTo("bidi \\u202eevil");
  }

  @Test
  void plainTextIsLeftAsItIs() {
    String text = "{\"name\": \"Zoë 東京\", \"n\": 1}";
    assertThat(Printable.escape(text)).isSameAs(text);
  }
}
