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
 * @param remote the peer's address as {@code /IP:PORT}, for audit logs; {@link #UNKNOWN_REMOTE}
 *     when the request did not come from a socket
 */
public record HttpRequest(
    String method,
    String path,
    String version,
    Map<String, String> headers,
    byte[] body,
    String remote) {
  /** The remote address of a request that did not come from a socket (tests, parsers). */
  public static final String UNKNOWN_REMOTE = "unknown";

  public HttpRequest {
    headers = Map.copyOf(headers);
  }

  /** A request whose peer is not known. */
  public HttpRequest(
      String method, String path, String version, Map<String, String> headers, byte[] body) {
    this(method, path, version, headers, body, UNKNOWN_REMOTE);
  }

  /** This request, as received from {@code remote}. */
  public HttpRequest from(String remote) {
    return new HttpRequest(method, path, version, headers, body, remote);
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
