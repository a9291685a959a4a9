package dev.ferry.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private final RequestParser parser = new RequestParser(256, 16);

  private RequestParser.Result parse(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return parser.parse(bytes, bytes.length);
  }

  @Test
  void aCompleteGetIsParsedWithItsHeadersAndLength() {
    String text = "GET /health/live?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
    RequestParser.Result result = parse(text + "GET /next");

    assertThat(result).isInstanceOf(RequestParser.Complete.class);
    RequestParser.Complete complete = (RequestParser.Complete) result;
    assertThat(complete.length()).isEqualTo(text.length());
    assertThat(complete.request().method()).isEqualTo("GET");
    assertThat(complete.request().path()).isEqualTo("/health/live");
    assertThat(complete.request().header("HOST")).contains("a");
    assertThat(complete.request().keepAlive()).isTrue();
  }

  @Test
  void aRequestWithoutItsBlankLineIsIncomplete() {
    assertThat(parse("GET /health/live HTTP/1.1\r\nHost: a\r\n"))
        .isInstanceOf(RequestParser.Incomplete.class);
    assertThat(parse("")).isInstanceOf(RequestParser.Incomplete.class);
  }

  @Test
  void aBodyIsReadByContentLengthAndWaitedFor() {
    String head = "POST /pipelines/p/resume HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
    assertThat(parse(head + "ab")).isInstanceOf(RequestParser.Incomplete.class);

    RequestParser.Complete complete = (RequestParser.Complete) parse(head + "abcd");
    assertThat(new String(complete.request().body(), StandardCharsets.US_ASCII)).isEqualTo("abcd");
    assertThat(complete.length()).isEqualTo(head.length() + 4);
  }

  @Test
  void bareLineFeedsAreAccepted() {
    RequestParser.Complete complete = (RequestParser.Complete) parse("HEAD /metrics HTTP/1.0\n\n");
    assertThat(complete.request().method()).isEqualTo("HEAD");
    assertThat(complete.request().keepAlive()).isFalse();
  }

  @Test
  void connectionHeadersDecideKeepAlive() {
    assertThat(complete("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
    assertThat(complete("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
  }

  @Test
  void anAbsoluteTargetIsReducedToItsPath() {
    assertThat(complete("GET http://h:9400/metrics HTTP/1.1\r\n\r\n").path()).isEqualTo("/metrics");
  }

  @Test
  void badRequestsAreRefusedWithTheirStatus() {
    assertThat(invalid("GARBAGE\r\n\r\n").status()).isEqualTo(400);
    assertThat(invalid("GET metrics HTTP/1.1\r\n\r\n").status()).isEqualTo(400);
    assertThat(invalid("GET / HTTP/2.0\r\n\r\n").status()).isEqualTo(505);
    assertThat(invalid("GET / HTTP/1.1\r\nno colon\r\n\r\n").status()).isEqualTo(400);
    assertThat(invalid("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").status()).isEqualTo(400);
    assertThat(invalid("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status()).isEqualTo(400);
    assertThat(invalid("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status())
        .isEqualTo(501);
  }

  @Test
  void limitsOnTheHeadAndTheBodyAreEnforced() {
    assertThat(invalid("GET / HTTP/1.1\r\nContent-Length: 17\r\n\r\n").status()).isEqualTo(413);
    String longHead = "GET / HTTP/1.1\r\nX: " + "a".repeat(300);
    assertThat(invalid(longHead).status()).isEqualTo(431);
    // Just under the limit and not yet complete: waits for more.
    assertThat(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(200)))
        .isInstanceOf(RequestParser.Incomplete.class);
  }

  private HttpRequest complete(String text) {
    return ((RequestParser.Complete) parse(text)).request();
  }

  private RequestParser.Invalid invalid(String text) {
    RequestParser.Result result = parse(text);
    assertThat(result).isInstanceOf(RequestParser.Invalid.class);
    return (RequestParser.Invalid) result;
  }
}
