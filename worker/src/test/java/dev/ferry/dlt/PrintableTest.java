package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
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

  @Test
  void jsonOutputEscapesWhatJsonAllowsRawButATerminalObeys() throws Exception {
    ObjectMapper json = new ObjectMapper();
    json.getFactory().setCharacterEscapes(new Printable.JsonEscapes());

    String out = json.writeValueAsString(Map.of("v", "\u001b[2J \u009b2J \u007f Zoë"));

    assertThat(out).isEqualTo("{\"v\":\"\\u001B[2J \\u009b2J \\u007F Zoë\"}");
    assertThat(json.readTree(out).get("v").asText()).isEqualTo("\u001b[2J \u009b2J \u007f Zoë");
  }
}
