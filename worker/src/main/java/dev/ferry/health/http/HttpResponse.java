package dev.ferry.health.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete response: status, content type, body and any further header fields (such as {@code
 * WWW-Authenticate}). Every response carries {@code Content-Length}, so that the connection can be
 * kept alive.
 */
public record HttpResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  public HttpResponse {
    headers = Map.copyOf(headers);
  }

  /** A response without further header fields. */
  public HttpResponse(int status, String contentType, byte[] body) {
    this(status, contentType, body, Map.of());
  }

  /**
   * This response with one more header field.
   *
   * @throws IllegalArgumentException when the name or value holds a line break or other control
   *     character, which would split the response
   */
  public HttpResponse withHeader(String name, String value) {
    if (!name.matches("[A-Za-z0-9-]+") || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("not a header field: " + name);
    }
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpResponse(status, contentType, body, more);
  }

  public static HttpResponse json(int status, String json) {
    return new HttpResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpResponse text(int status, String contentType, String text) {
    return new HttpResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The bytes on the wire: status line, headers and, unless {@code head}, the body. A HEAD response
   * carries the {@code Content-Length} of the body it leaves out.
   */
  byte[] encode(boolean head, boolean keepAlive) {
    String headers =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + body.length
            + "\r\nCache-Control: no-store"
            + extraHeaders()
            + (keepAlive ? "" : "\r\nConnection: close")
            + "\r\n\r\n";
    byte[] start = headers.getBytes(StandardCharsets.US_ASCII);
    if (head) {
      return start;
    }
    byte[] all = new byte[start.length + body.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(body, 0, all, start.length, body.length);
    return all;
  }

  private String extraHeaders() {
    StringBuilder lines = new StringBuilder();
    headers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> lines.append("\r\n").append(e.getKey()).append(": ").append(e.getValue()));
    return lines.toString();
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status " + status;
    };
  }
}
