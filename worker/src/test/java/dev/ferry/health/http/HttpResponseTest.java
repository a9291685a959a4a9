package dev.ferry.health.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a response looks like on the wire, further header fields included. */
class HttpResponseTest {
  @Test
  void aFurtherHeaderFieldIsWrittenAfterTheFixedOnes() {
    HttpResponse response =
        HttpResponse.json(401, "{}").withHeader("WWW-Authenticate", "Bearer realm=\"ferry-admin\"");

    assertThat(new String(response.encode(false, true), StandardCharsets.US_ASCII))
        .isEqualTo(
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2"
                + "\r\nCache-Control: no-store\r\nWWW-Authenticate: Bearer realm=\"ferry-admin\""
                + "\r\n\r\n{}");
  }

  @Test
  void aForbiddenAnswerSaysSo() {
    assertThat(
            new String(HttpResponse.json(403, "{}").encode(true, false), StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 403 Forbidden\r\n")
        .endsWith("Connection: close\r\n\r\n");
  }

  @Test
  void aHeaderThatWouldSplitTheResponseIsRefused() {
    HttpResponse response = HttpResponse.json(200, "{}");

    assertThatThrownBy(() -> response.withHeader("X-A", "b\r\nSet-Cookie: c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> response.withHeader("X A", "b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
