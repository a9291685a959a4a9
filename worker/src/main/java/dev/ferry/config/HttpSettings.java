package dev.ferry.config;

import java.util.Optional;

/**
 * The HTTP endpoint for metrics, health probes and admin calls.
 *
 * @param bindAddress the local address to listen on: an IP address or a host name; {@code 0.0.0.0}
 *     (every interface) by default, since probes and scrapes come from outside the container
 * @param port TCP port; 0 picks a free one
 * @param adminToken the bearer token admin calls must carry, read from {@code
 *     http.admin-token-file} at start; empty when none is configured, and then admin calls are let
 *     in only when {@code bindAddress} is a loopback address (decision 0023)
 */
public record HttpSettings(String bindAddress, int port, Optional<Secret> adminToken) {
  /** The default bind address: every IPv4 interface. */
  public static final String ANY_ADDRESS = "0.0.0.0";

  /** Settings without an admin token. */
  public HttpSettings(String bindAddress, int port) {
    this(bindAddress, port, Optional.empty());
  }

  @Override
  public String toString() {
    return "http{bind-address="
        + bindAddress
        + ", port="
        + port
        + ", admin-token="
        + adminToken.map(Secret::toString).orElse("none")
        + "}";
  }
}
