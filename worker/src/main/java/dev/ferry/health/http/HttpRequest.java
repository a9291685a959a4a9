package dev.ferry.health.http;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed HTTP/1.x request.
 *
 * @param method the method, as sent ({@code GET}, {@code HEAD}, {@code POST} …)
 * @param path the target's path, without the query
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers header fields, names in lower case; repeated fields joined with {@code ", "}
 * @param body the body ({@code Content-Length} bytes), empty when there is none
 */
public record HttpRequest(
    String method, String path, String version, Map<String, String> headers, byte[] body) {

  public HttpRequest {
    headers = Map.copyOf(headers);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * Whether the connection stays open after the response: HTTP/1.1 unless the client says {@code
   * Connection: close}, HTTP/1.0 only when it says {@code Connection: keep-alive}.
   */
  public boolean keepAlive() {
    String connection = header("connection").orElse("").toLowerCase(Locale.ROOT);
    if (version.equals("HTTP/1.0")) {
      return connection.contains("keep-alive");
    }
    return !connection.contains("close");
  }
}
