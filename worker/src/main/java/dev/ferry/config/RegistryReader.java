package dev.ferry.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads the optional top-level {@code registry} section: the schema registry's URL, its credentials
 * (basic auth with a password file, or a bearer token file, each read once here), the request
 * timeout and the CA file for https. Every key is read even when the section is absent, so that the
 * documentation check sees them.
 */
final class RegistryReader {
  private RegistryReader() {}

  static Optional<RegistrySettings> read(Section s) {
    Optional<String> url = s.optionalString("url");
    Optional<String> username = s.optionalString("username");
    Optional<Path> passwordFile = s.optionalPath("password-file");
    Optional<Path> tokenFile = s.optionalPath("bearer-token-file");
    Duration timeout =
        s.duration(
            "request-timeout", RegistrySettings.DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(1));
    Optional<Path> caFile = s.optionalPath("ca-file");
    s.rejectUnknownKeys();
    if (!s.isPresent()) {
      return Optional.empty();
    }
    URI uri = uri(s, url);
    if (username.isPresent() != passwordFile.isPresent()) {
      s.problem(
          s.key(username.isPresent() ? "password-file" : "username"),
          "is required with registry." + (username.isPresent() ? "username" : "password-file"));
    }
    if (username.isPresent() && tokenFile.isPresent()) {
      s.problem(s.key("bearer-token-file"), "and registry.username are both set; keep one");
    }
    Secret password =
        new Secret(
            passwordFile.map(f -> DatabaseReader.secretFile(s, "password-file", f)).orElse(""));
    Secret token =
        new Secret(
            tokenFile.map(f -> DatabaseReader.secretFile(s, "bearer-token-file", f)).orElse(""));
    caFile.ifPresent(
        f -> {
          if (!Files.isReadable(f)) {
            s.problem(s.key("ca-file"), "file '" + f + "' cannot be read");
          } else if (!"https".equals(uri.getScheme())) {
            s.problem(s.key("ca-file"), "is set but registry.url is not https");
          }
        });
    return Optional.of(new RegistrySettings(uri, username, password, token, timeout, caFile));
  }

  private static URI uri(Section s, Optional<String> text) {
    if (text.isEmpty()) {
      s.problem(s.key("url"), "is required");
      return URI.create("http://invalid");
    }
    String trimmed = text.get().trim().replaceFirst("/+$", "");
    try {
      URI uri = new URI(trimmed);
      if (!List.of("http", "https").contains(String.valueOf(uri.getScheme()))
          || uri.getHost() == null) {
        s.problem(
            s.key("url"),
            "must be an http or https URL such as http://registry:8080/apis/ccompat/v7, was '"
                + trimmed
                + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      s.problem(s.key("url"), "is not a URL: " + e.getMessage());
      return URI.create("http://invalid");
    }
  }

  /**
   * Adds a problem for each pipeline whose value or key format needs the registry when there is no
   * {@code registry} section.
   */
  static void checkNeeded(
      Optional<RegistrySettings> registry,
      List<PipelineSettings> pipelines,
      List<String> problems) {
    if (registry.isPresent()) {
      return;
    }
    for (int i = 0; i < pipelines.size(); i++) {
      PipelineSettings p = pipelines.get(i);
      if (p.format().usesRegistry()) {
        problems.add(
            "pipelines[" + i + "].format " + p.format().label() + " needs a registry section");
      }
      if (p.keyFormat().usesRegistry()) {
        problems.add(
            "pipelines["
                + i
                + "].key-format "
                + p.keyFormat().label()
                + " needs a registry section");
      }
    }
  }
}
