package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code registry} section and the pipelines' {@code format} and {@code key-format}. */
class RegistrySettingsTest {
  private static final String BASE =
      """
      kafka:
        bootstrap-servers: localhost:9092
      database:
        url: jdbc:postgresql://localhost:5432/app
      """;

  @TempDir Path dir;

  private static String pipeline(String formats) {
    return """
        pipelines:
          - name: orders
            topics: [orders]
            table: public.orders
            columns:
              id: /id
        """
        + formats.indent(4);
  }

  private FerryConfig load(String yaml) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(BASE + yaml, dir.resolve("ferry.yaml").toString());
  }

  private ConfigException problems(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> load(yaml));
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void withoutARegistryPipelinesReadJsonValuesAndTextKeys() throws Exception {
    FerryConfig config = load(pipeline(""));

    assertThat(config.registry()).isEmpty();
    assertThat(config.pipelines().get(0).format()).isEqualTo(RecordFormat.JSON);
    assertThat(config.pipelines().get(0).keyFormat()).isEqualTo(RecordFormat.TEXT);
  }

  @Test
  void basicAuthReadsThePasswordFileWithoutItsLineBreakAndMasksIt() throws Exception {
    Path password = file("password", "s3cret\n");
    FerryConfig config =
        load(
            "registry:\n  url: http://127.0.0.1:8080/apis/ccompat/v7/\n  username: ferry\n"
                + "  password-file: "
                + password
                + "\n"
                + pipeline("format: avro\nkey-format: protobuf"));

    RegistrySettings registry = config.registry().orElseThrow();
    assertThat(registry.url()).hasToString("http://127.0.0.1:8080/apis/ccompat/v7");
    assertThat(registry.username()).contains("ferry");
    assertThat(registry.password().value()).isEqualTo("s3cret");
    assertThat(registry.bearerToken().isEmpty()).isTrue();
    assertThat(registry.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(registry.caFile()).isEmpty();
    assertThat(config.pipelines().get(0).format()).isEqualTo(RecordFormat.AVRO);
    assertThat(config.pipelines().get(0).keyFormat()).isEqualTo(RecordFormat.PROTOBUF);
    assertThat(config.describe())
        .contains("registry{url=http://127.0.0.1:8080/apis/ccompat/v7, username=ferry")
        .contains("password=****")
        .contains("format=avro, key-format=protobuf")
        .doesNotContain("s3cret");
  }

  @Test
  void aBearerTokenATimeoutAndACaFileForHttps() throws Exception {
    Path token = file("token", "tok-123\r\n");
    Path ca = file("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    FerryConfig config =
        load(
            "registry:\n  url: https://registry.example:8443/apis/ccompat/v7\n"
                + "  bearer-token-file: "
                + token
                + "\n  request-timeout: 750ms\n  ca-file: "
                + ca
                + "\n"
                + pipeline("format: protobuf"));

    RegistrySettings registry = config.registry().orElseThrow();
    assertThat(registry.bearerToken().value()).isEqualTo("tok-123");
    assertThat(registry.requestTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(registry.caFile()).isEqualTo(Optional.of(ca));
    assertThat(config.describe()).contains("bearer-token=****").doesNotContain("tok-123");
  }

  @Test
  void aRegistryFormatWithoutARegistrySectionIsAProblem() {
    ConfigException e = problems(pipeline("format: avro\nkey-format: protobuf"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "pipelines[0].format avro needs a registry section",
            "pipelines[0].key-format protobuf needs a registry section");
  }

  @Test
  void badValuesAreCollectedNamingTheirKeys() throws Exception {
    Path empty = file("empty", "");
    ConfigException e =
        problems(
            "registry:\n  url: ftp://registry\n  username: ferry\n  bearer-token-file: "
                + empty
                + "\n  request-timeout: soon\n  ca-file: "
                + dir.resolve("missing.pem")
                + "\n  colour: blue\n"
                + pipeline("format: xml\nkey-format: json"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "registry.url must be an http or https URL such as"
                + " http://registry:8080/apis/ccompat/v7, was 'ftp://registry'",
            "registry.password-file is required with registry.username",
            "registry.bearer-token-file and registry.username are both set; keep one",
            "registry.bearer-token-file file '" + empty + "' is empty",
            "registry.request-timeout must be a duration such as 250ms, 30s, 5m or 1h, was 'soon'",
            "registry.ca-file file '" + dir.resolve("missing.pem") + "' cannot be read",
            "registry.colour is not a known setting",
            "pipelines[0].format must be json, avro or protobuf, was 'xml'",
            "pipelines[0].key-format must be text, avro or protobuf, was 'json'");
  }

  @Test
  void theUrlIsRequiredAndACaFileNeedsHttps() throws Exception {
    Path ca = file("ca.pem", "x");
    ConfigException e = problems("registry:\n  ca-file: " + ca + "\n" + pipeline(""));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "registry.url is required", "registry.ca-file is set but registry.url is not https");
  }
}
