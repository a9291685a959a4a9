package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The effective config logged at start ({@link FerryConfig#describe()}) shows the settings of issue
 * 20 as they were read: topic pattern, table template and allow-list, columns by name, unknown
 * fields, auto-create and evolve, key columns and column formats.
 */
class EffectiveConfigLogTest {
  private static final String HEAD =
      """
      kafka: {bootstrap-servers: "k:9092", topic-refresh-interval: 15s}
      database: {url: "jdbc:postgresql://h/d", password: secret}
      pipelines:
      """;

  private static String described(String pipelines) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(HEAD + pipelines, "test.yaml").describe();
  }

  @Test
  void aRoutedPipelineShowsItsPatternTemplateAllowListAndColumnRules(@TempDir Path dir)
      throws Exception {
    Path schema = Files.writeString(dir.resolve("s.json"), "{\"properties\": {}}");
    String log =
        described(
            """
              - name: shop
                topic-pattern: "shop\\\\.(.+)"
                table: "app.{1}"
                tables-allowed: "app\\\\.[a-z_]+"
                unknown-fields: dead-letter
                schema: "%s"
                auto-create: true
                evolve: true
                mode: upsert
                key-columns: [id]
            """
                .formatted(schema));

    assertThat(log)
        .contains("topic-refresh-interval=15s")
        .contains("password=****")
        .doesNotContain("secret")
        .contains(
            "pipeline{name=shop, topic-pattern=shop\\.(.+), table=app.{1},"
                + " tables-allowed=app\\.[a-z_]+, mode=upsert, columns=[], key-columns=[id],")
        .contains(", columns-by-name, unknown-fields=dead-letter, ")
        .endsWith(", auto-create, evolve}]");
  }

  @Test
  void aFixedTableFerryMayCreateShowsNoAllowListOfItsOwn(@TempDir Path dir) throws Exception {
    Path schema = Files.writeString(dir.resolve("s.json"), "{\"properties\": {}}");
    String log =
        described(
            "  - {name: orders, topics: [orders], table: app.orders, schema: \""
                + schema
                + "\", auto-create: true}\n");

    assertThat(log)
        .contains("pipeline{name=orders, topics=[orders], table=app.orders, mode=insert,")
        .doesNotContain("tables-allowed")
        .endsWith(", auto-create}]");
  }

  @Test
  void columnFormatsAreShownPerColumn() throws Exception {
    String log =
        described(
            """
              - name: uploads
                topics: [uploads]
                table: app.uploads
                columns: {id: /id, payload: /payload, taken_at: /taken_at}
                column-formats: {payload: base64, taken_at: "zone:Europe/Berlin"}
            """);

    assertThat(log)
        .contains(
            "columns=[id, payload, taken_at], column-formats={payload=base64,"
                + " taken_at=zone:Europe/Berlin}");
  }
}
