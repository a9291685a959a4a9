package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http} section: port and bind address. */
class HttpSettingsTest {
  private static final String CONFIG =
      """
      kafka:
        bootstrap-servers: localhost:9092
      database:
        url: jdbc:postgresql://localhost:5432/app
      pipelines:
        - name: events
          topics: [events]
          table: public.events
          columns:
            event_id: /event_id
      """;

  private static FerryConfig load(String http) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(CONFIG + http, "test.yaml");
  }

  @Test
  void everyInterfaceAndPort9400ByDefault() throws Exception {
    HttpSettings http = load("").http();

    assertThat(http.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(http.port()).isEqualTo(9400);
  }

  @Test
  void addressesAndHostNamesAreTaken() throws Exception {
    for (String address : new String[] {"127.0.0.1", "::", "::1", "localhost", "ferry-0.ferry"}) {
      assertThat(load("http:\n  bind-address: \"" + address + "\"\n").http().bindAddress())
          .isEqualTo(address);
    }
  }

  @Test
  void somethingThatIsNeitherIsAProblemNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> load("http:\n  bind-address: \"http://0.0.0.0\"\n  port: 70000\n"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "http.bind-address must be an IP address or a host name, such as 0.0.0.0, 127.0.0.1"
                + " or ::, was 'http://0.0.0.0'",
            "http.port must be between 0 and 65535, was 70000");
  }

  @Test
  void noAdminTokenByDefault() throws Exception {
    assertThat(load("").http().adminToken()).isEmpty();
  }

  @Test
  void theAdminTokenIsReadFromItsFileWithoutTheLineBreakAndMasked(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "0123456789abcdef0123\n");

    HttpSettings http = load("http:\n  admin-token-file: \"" + file + "\"\n").http();

    assertThat(http.adminToken()).map(Secret::value).contains("0123456789abcdef0123");
    assertThat(http.toString()).contains("admin-token=****").doesNotContain("0123456789");
  }

  @Test
  void aMissingEmptyShortOrSpacedTokenFileIsAProblemNamingTheKey(@TempDir Path dir)
      throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Path shortToken = Files.writeString(dir.resolve("short"), "abc123");
    Path spaced = Files.writeString(dir.resolve("spaced"), "0123456789 abcdef0123");
    for (Path file : new Path[] {dir.resolve("missing"), empty, shortToken, spaced}) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> load("http:\n  admin-token-file: \"" + file + "\"\n"));

      assertThat(e.problems()).as(file.toString()).hasSize(1);
      assertThat(e.problems().get(0))
          .startsWith("http.admin-token-file file '" + file + "' ")
          .doesNotContain("abc123")
          .doesNotContain("abcdef0123");
    }
  }
}
