package dev.ferry.format;

import dev.ferry.config.Durations;
import dev.ferry.config.RegistrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP side of the registry client: GET requests to the Confluent-compatible API with the
 * configured credentials, each bounded by {@code registry.request-timeout}, trusting the {@code
 * ca-file} for https. Failing to reach the registry, a timeout, a 5xx and a refused credential are
 * {@link RegistryUnavailableException}s whose message says what to check and never holds the
 * credential. Thread-safe.
 */
final class RegistryHttp {
  /** A response: its status and body. */
  record Answer(int status, String body) {}

  private final RegistrySettings settings;
  private final HttpClient client;
  private final Optional<String> authorization;

  RegistryHttp(RegistrySettings settings) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    settings.caFile().ifPresent(file -> builder.sslContext(trusting(settings)));
    this.client = builder.build();
    if (!settings.bearerToken().isEmpty()) {
      authorization = Optional.of("Bearer " + settings.bearerToken().value());
    } else if (settings.username().isPresent()) {
      String pair = settings.username().get() + ":" + settings.password().value();
      authorization =
          Optional.of(
              "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      authorization = Optional.empty();
    }
  }

  /** The base URL, for messages. */
  String url() {
    return settings.url().toString();
  }

  /**
   * GETs {@code path} under the base URL.
   *
   * @return the status and body of any answer but a 5xx, 401 or 403
   * @throws RegistryUnavailableException no answer in time, or a 5xx, 401 or 403
   */
  Answer get(String path) throws RegistryUnavailableException {
    URI uri = URI.create(settings.url() + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
            .GET();
    authorization.ifPresent(value -> request.header("Authorization", value));
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RegistryUnavailableException(
          "the schema registry at "
              + url()
              + " did not answer GET "
              + path
              + " within registry.request-timeout ("
              + Durations.format(settings.requestTimeout())
              + ")",
          e);
    } catch (ConnectException e) {
      throw new RegistryUnavailableException(
          "the schema registry at " + url() + " cannot be reached (" + e + "); is it running?", e);
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          "asking the schema registry at " + url() + " for " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(
          "interrupted while asking the schema registry for " + path, e);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new RegistryUnavailableException(
          "the schema registry at "
              + url()
              + " refused the credentials (HTTP "
              + status
              + "); check registry.username and registry.password-file, or"
              + " registry.bearer-token-file");
    }
    if (status >= 500) {
      throw new RegistryUnavailableException(
          "the schema registry at "
              + url()
              + " answered GET "
              + path
              + " with HTTP "
              + status
              + ": "
              + abbreviated(response.body()));
    }
    return new Answer(status, response.body());
  }

  static String abbreviated(String body) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
  }

  /** An SSL context trusting exactly the certificates of {@code ca-file}. */
  private static SSLContext trusting(RegistrySettings settings) {
    try (InputStream in = Files.newInputStream(settings.caFile().orElseThrow())) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new IllegalStateException("registry.ca-file holds no PEM certificate");
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "registry.ca-file " + settings.caFile().orElseThrow() + " cannot be used: " + e, e);
    }
  }
}
