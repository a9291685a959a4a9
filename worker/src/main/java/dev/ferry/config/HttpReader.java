package dev.ferry.config;

import java.util.regex.Pattern;

/** Reads the {@code http} section: where the metrics and health endpoint listens. */
final class HttpReader {
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
    HttpSettings http = new HttpSettings(bindAddress, s.integer("port", 9400, 0, 65535));
    s.rejectUnknownKeys();
    return http;
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
