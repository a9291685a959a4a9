package dev.ferry.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code http} section: where the metrics, health and admin endpoint listens, and the
 * token admin calls need.
 */
final class HttpReader {
  /** The shortest admin token taken: 16 characters, such as 8 random bytes in hex. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private HttpReader() {}

  static HttpSettings read(Section s) {
    String bindAddress = s.string("bind-address", HttpSettings.ANY_ADDRESS);
    if (!isAddressOrHostName(bindAddress)) {
      s.problem(
          s.key("bind-address"),
          "must be an IP address or a host name, such as 0.0.0.0, 127.0.0.1 or ::, was '"
              + bindAddress
              + "'");
    }
    int port = s.integer("port", 9400, 0, 65535);
    HttpSettings http = new HttpSettings(bindAddress, port, adminToken(s));
    s.rejectUnknownKeys();
    return http;
  }

  /**
   * The content of {@code http.admin-token-file}, read once at start (a new token needs a restart):
   * a problem when the file cannot be read, is empty, holds whitespace inside the token or a token
   * shorter than {@value #MIN_TOKEN_LENGTH} characters. A world-readable file is taken, since
   * Kubernetes and Docker mount secrets that way by default; decision 0023 says why.
   */
  private static Optional<Secret> adminToken(Section s) {
    Optional<Path> file = s.optionalPath("admin-token-file");
    if (file.isEmpty()) {
      return Optional.empty();
    }
    String token = DatabaseReader.secretFile(s, "admin-token-file", file.get());
    if (token.isEmpty()) {
      return Optional.empty(); // the problem is reported; the config is refused
    }
    if (!token.strip().equals(token) || token.chars().anyMatch(Character::isWhitespace)) {
      s.problem(
          s.key("admin-token-file"),
          "file '" + file.get() + "' must hold one token without spaces or line breaks");
    } else if (token.length() < MIN_TOKEN_LENGTH) {
      s.problem(
          s.key("admin-token-file"),
          "file '"
              + file.get()
              + "' holds a token of "
              + token.length()
              + " characters; use at least "
              + MIN_TOKEN_LENGTH
              + " (e.g. openssl rand -hex 32)");
    }
    return Optional.of(new Secret(token));
  }

  /**
   * Whether {@code text} reads as an IPv4 or IPv6 address or a host name; checked by its form only,
   * since loading the config never touches the network.
   */
  static boolean isAddressOrHostName(String text) {
    if (text.contains(":")) {
      return IPV6.matcher(text).matches();
    }
    return HOST_NAME.matcher(text).matches();
  }
}
