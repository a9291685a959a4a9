package dev.ferry.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The schema registry the {@code avro} and {@code protobuf} formats fetch writer schemas from, by
 * its Confluent-compatible REST API.
 *
 * @param url the API's base URL ({@code http} or {@code https}), without a trailing slash
 * @param username basic authentication's user, with {@code password}; empty without basic auth
 * @param password read from {@code password-file} at start; empty without basic auth
 * @param bearerToken read from {@code bearer-token-file} at start; empty without one
 * @param requestTimeout the bound on each request, connecting included
 * @param caFile PEM certificates to trust for {@code https}; the JVM's default trust otherwise
 */
public record RegistrySettings(
    URI url,
    Optional<String> username,
    Secret password,
    Secret bearerToken,
    Duration requestTimeout,
    Optional<Path> caFile) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  @Override
  public String toString() {
    return "registry{url="
        + FerryConfig.maskUrlSecrets(url.toString())
        + username.map(u -> ", username=" + u + ", password=" + password).orElse("")
        + (bearerToken.isEmpty() ? "" : ", bearer-token=" + bearerToken)
        + ", request-timeout="
        + Durations.format(requestTimeout)
        + caFile.map(f -> ", ca-file=" + f).orElse("")
        + "}";
  }
}
