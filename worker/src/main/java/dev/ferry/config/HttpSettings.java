package dev.ferry.config;

/**
 * The HTTP endpoint for metrics and health probes.
 *
 * @param bindAddress the local address to listen on: an IP address or a host name; {@code 0.0.0.0}
 *     (every interface) by default, since probes and scrapes come from outside the container
 * @param port TCP port; 0 picks a free one
 */
public record HttpSettings(String bindAddress, int port) {
  /** The default bind address: every IPv4 interface. */
  public static final String ANY_ADDRESS = "0.0.0.0";

  @Override
  public String toString() {
    return "http{bind-address=" + bindAddress + ", port=" + port + "}";
  }
}
