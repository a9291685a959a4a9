package dev.ferry.health.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses one HTTP/1.x request from the start of the bytes a connection has received so far. Pure
 * and stateless: called again with more bytes until the request is complete. Lines end in CRLF (a
 * bare LF is accepted too); the body is read by {@code Content-Length}; a chunked body is refused
 * (Ferry's endpoints take no bodies worth streaming).
 */
public final class RequestParser {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final int maxHeadBytes;
  private final int maxBodyBytes;

  public RequestParser(int maxHeadBytes, int maxBodyBytes) {
    this.maxHeadBytes = maxHeadBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** What the bytes so far amount to. */
  public sealed interface Result {}

  /** More bytes are needed. */
  public record Incomplete() implements Result {}

  /** A whole request, which took the first {@code length} bytes. */
  public record Complete(HttpRequest request, int length) implements Result {}

  /** Not a request Ferry serves: answer {@code status} and close the connection. */
  public record Invalid(int status, String reason) implements Result {}

  private static final Result INCOMPLETE = new Incomplete();

  /** Parses {@code data[0, length)}. */
  public Result parse(byte[] data, int length) {
    int headEnd = headEnd(data, Math.min(length, maxHeadBytes + 4));
    if (headEnd < 0) {
      return length > maxHeadBytes
          ? new Invalid(431, "request line and headers exceed " + maxHeadBytes + " bytes")
          : INCOMPLETE;
    }
    String[] lines = new String(data, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || !TOKEN.matcher(requestLine[0]).matches()) {
      return new Invalid(400, "malformed request line");
    }
    String version = requestLine[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      return new Invalid(505, "only HTTP/1.0 and HTTP/1.1 are served");
    }
    String path = path(requestLine[1]);
    if (path == null) {
      return new Invalid(400, "malformed request target");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue; // the blank line that ends the head
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
        return new Invalid(400, "malformed header line");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    if (headers.containsKey("transfer-encoding")) {
      return new Invalid(501, "chunked or encoded request bodies are not accepted");
    }
    int bodyLength = 0;
    String contentLength = headers.get("content-length");
    if (contentLength != null) {
      try {
        bodyLength = Integer.parseInt(contentLength);
      } catch (NumberFormatException e) {
        return new Invalid(400, "malformed Content-Length");
      }
      if (bodyLength < 0) {
        return new Invalid(400, "malformed Content-Length");
      }
      if (bodyLength > maxBodyBytes) {
        return new Invalid(413, "request body exceeds " + maxBodyBytes + " bytes");
      }
    }
    int bodyStart = bodyStart(data, headEnd);
    if (length - bodyStart < bodyLength) {
      return INCOMPLETE;
    }
    byte[] body = new byte[bodyLength];
    System.arraycopy(data, bodyStart, body, 0, bodyLength);
    return new Complete(
        new HttpRequest(requestLine[0], path, version, headers, body), bodyStart + bodyLength);
  }

  /** The index where the blank line ending the head starts, or -1 when not received yet. */
  private static int headEnd(byte[] data, int length) {
    for (int i = 0; i < length; i++) {
      if (data[i] != '\n') {
        continue;
      }
      if (i + 1 < length && data[i + 1] == '\n') {
        return i + 1;
      }
      if (i + 2 < length && data[i + 1] == '\r' && data[i + 2] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static int bodyStart(byte[] data, int headEnd) {
    return data[headEnd] == '\r' ? headEnd + 2 : headEnd + 1;
  }

  /** The path of an origin-form ({@code /a?b}) or absolute-form target; null when neither. */
  private static String path(String target) {
    String rest = target;
    if (rest.startsWith("http://") || rest.startsWith("https://")) {
      int slash = rest.indexOf('/', rest.indexOf("//") + 2);
      rest = slash < 0 ? "/" : rest.substring(slash);
    }
    if (!rest.startsWith("/")) {
      return null;
    }
    int query = rest.indexOf('?');
    return query < 0 ? rest : rest.substring(0, query);
  }
}
