package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Reads the registry's JSON answers leniently: Confluent leaves {@code schemaType} out for Avro and
 * {@code references} out when empty, Apicurio sends both; unknown fields are ignored.
 */
final class RegistryAnswers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryAnswers() {}

  /**
   * A schema from {@code GET /schemas/ids/{id}} or {@code GET /subjects/{s}/versions/{v}}.
   *
   * @param id the schema id, when the answer does not carry it (by id)
   * @throws RegistryUnavailableException the answer is not a schema: the registry is not the
   *     Confluent-compatible API it should be
   */
  static RegistrySchema schema(String body, OptionalInt id, String url)
      throws RegistryUnavailableException {
    JsonNode node = tree(body, url);
    JsonNode text = node.get("schema");
    JsonNode answeredId = node.get("id");
    if (text == null || !text.isTextual() || (id.isEmpty() && !canBeInt(answeredId))) {
      throw notTheApi(url, body);
    }
    JsonNode type = node.get("schemaType");
    String schemaType =
        type == null || !type.isTextual() || type.asText().isBlank()
            ? "AVRO"
            : type.asText().trim().toUpperCase(Locale.ROOT);
    List<RegistrySchema.Reference> references = new ArrayList<>();
    JsonNode refs = node.get("references");
    if (refs != null && refs.isArray()) {
      for (JsonNode ref : refs) {
        references.add(
            new RegistrySchema.Reference(
                ref.path("name").asText(),
                ref.path("subject").asText(),
                ref.path("version").asInt()));
      }
    }
    return new RegistrySchema(
        id.isPresent() ? id.getAsInt() : answeredId.asInt(), schemaType, text.asText(), references);
  }

  /** The registry's {@code error_code} of an error answer, or 0 without one. */
  static int errorCode(String body) {
    try {
      JsonNode node = JSON.readTree(body == null ? "" : body);
      return node != null && node.path("error_code").canConvertToInt()
          ? node.path("error_code").asInt()
          : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The {@code id} and {@code version} of {@code GET /subjects/{s}/versions/latest}. */
  static int[] idAndVersion(String body, String url) throws RegistryUnavailableException {
    JsonNode node = tree(body, url);
    if (!canBeInt(node.get("id")) || !canBeInt(node.get("version"))) {
      throw notTheApi(url, body);
    }
    return new int[] {node.get("id").asInt(), node.get("version").asInt()};
  }

  private static boolean canBeInt(JsonNode node) {
    return node != null && node.canConvertToInt();
  }

  private static JsonNode tree(String body, String url) throws RegistryUnavailableException {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw notTheApi(url, body);
      }
      return node;
    } catch (IOException e) {
      throw notTheApi(url, body);
    }
  }

  private static RegistryUnavailableException notTheApi(String url, String body) {
    return new RegistryUnavailableException(
        "the schema registry at "
            + url
            + " answered with something that is not a schema ("
            + RegistryHttp.abbreviated(body)
            + "); is registry.url the Confluent-compatible API (for Apicurio …/apis/ccompat/v7)?");
  }
}
