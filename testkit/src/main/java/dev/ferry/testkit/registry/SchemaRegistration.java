package dev.ferry.testkit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Registers schemas with a Confluent-compatible registry ({@code POST
 * {url}/subjects/{subject}/versions}), for {@link ApicurioRegistry} and for generators that are
 * given only the registry's URL.
 */
public final class SchemaRegistration {

  private static final Set<String> TYPES = Set.of("AVRO", "PROTOBUF", "JSON");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SchemaRegistration() {}

  /**
   * Registers {@code schemaText} under {@code subject} at the registry whose Confluent-compatible
   * base URL is {@code url}, and returns its global id.
   *
   * @param type {@code AVRO}, {@code PROTOBUF} or {@code JSON}
   * @throws IllegalArgumentException if the type is none of those
   * @throws IllegalStateException if the registry refuses the schema (status and body in the
   *     message)
   * @throws UncheckedIOException if the registry does not answer
   */
  public static int register(
      String url,
      String subject,
      String schemaText,
      String type,
      List<ApicurioRegistry.Reference> references) {
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("type must be one of " + TYPES + ", was " + type);
    }
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    url
                        + "/subjects/"
                        + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
                        + "/versions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(body(schemaText, type, references)))
            .build();
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("registry at " + url + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering " + subject, e);
    }
    JsonNode id = response.statusCode() == 200 ? readTree(response.body()).get("id") : null;
    if (id == null || !id.canConvertToInt()) {
      throw new IllegalStateException(
          "registering " + subject + " failed: " + response.statusCode() + " " + response.body());
    }
    return id.intValue();
  }

  private static String body(
      String schemaText, String type, List<ApicurioRegistry.Reference> references) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schemaText);
    body.put("schemaType", type);
    ArrayNode refs = body.putArray("references");
    for (ApicurioRegistry.Reference reference : references) {
      refs.addObject()
          .put("name", reference.name())
          .put("subject", reference.subject())
          .put("version", reference.version());
    }
    return body.toString();
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
