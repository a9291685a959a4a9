package dev.ferry.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Apicurio Registry from registry-runtime: a schema registered is served by id on the
 * Confluent-compatible API and counted; stop closes the port; restart serves the same URL with
 * empty storage; references register for Protobuf imports.
 */
@Timeout(300)
class ApicurioRegistryIT {

  private static final String AVRO =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"t\",\"fields\":"
          + "[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"note\",\"type\":[\"null\",\"string\"]}]}";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesRegisteredSchemasByIdAndStartsEmptyAfterARestart(@TempDir Path dir) throws Exception {
    try (ApicurioRegistry registry = ApicurioRegistry.start(dir)) {
      String url = registry.url();
      assertThat(url).matches("http://127\\.0\\.0\\.1:[0-9]+/apis/ccompat/v7");
      assertThat(registry.schemaFetches()).isZero();

      int id = registry.register("orders-value", AVRO, "AVRO");

      HttpResponse<String> fetched = get(url + "/schemas/ids/" + id);
      assertThat(fetched.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(fetched.body());
      assertThat(new Schema.Parser().parse(body.get("schema").asText()))
          .isEqualTo(new Schema.Parser().parse(AVRO));
      assertThat(get(url + "/schemas/ids/" + (id + 1000)).statusCode()).isEqualTo(404);
      await().atMost(Duration.ofSeconds(30)).until(() -> registry.schemaFetches() == 2);

      registry.stop();
      assertThat(isListening(url)).isFalse();

      registry.restart();
      assertThat(registry.url()).isEqualTo(url);
      assertThat(get(url + "/schemas/ids/" + id).statusCode()).isEqualTo(404);
      assertThat(registry.register("orders-value", AVRO, "AVRO")).isEqualTo(id);
      assertThat(get(url + "/schemas/ids/" + id).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void registersProtobufWithReferencesAndRefusesInvalidSchemas(@TempDir Path dir) throws Exception {
    String url;
    try (ApicurioRegistry registry = ApicurioRegistry.start(dir)) {
      url = registry.url();
      int common =
          registry.register(
              "common.proto",
              "syntax = \"proto3\";\npackage t;\nmessage Money { int64 cents = 1; }\n",
              "PROTOBUF");
      int order =
          registry.register(
              "orders-value",
              "syntax = \"proto3\";\npackage t;\nimport \"common.proto\";\n"
                  + "message Order { int64 id = 1; t.Money total = 2; }\n",
              "PROTOBUF",
              List.of(new ApicurioRegistry.Reference("common.proto", "common.proto", 1)));

      assertThat(order).isNotEqualTo(common);
      JsonNode body = JSON.readTree(get(registry.url() + "/schemas/ids/" + order).body());
      assertThat(body.get("schemaType").asText()).isEqualTo("PROTOBUF");
      assertThat(body.at("/references/0/subject").asText()).isEqualTo("common.proto");
      assertThatThrownBy(() -> registry.register("bad-value", "{\"type\":", "AVRO"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("registering bad-value failed: 4");
    }
    assertThat(isListening(url)).as("closed").isFalse();
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static boolean isListening(String url) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", URI.create(url).getPort())) {
      return socket.isConnected();
    } catch (ConnectException e) {
      return false;
    }
  }
}
