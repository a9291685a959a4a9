package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auto-create} and {@code evolve}: off by default, and only with a declared schema. */
class TablesFollowSchemaSettingsTest {
  private static final String HEAD =
      """
      kafka: {bootstrap-servers: "k:9092", group-id: g}
      database: {url: "jdbc:postgresql://h/d"}
      registry: {url: "http://r:8080"}
      pipelines:
      """;

  private static PipelineSettings load(String pipeline) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(HEAD + pipeline, "test.yaml")
        .pipelines()
        .get(0);
  }

  private static ConfigException problems(String pipeline) {
    return catchThrowableOfType(ConfigException.class, () -> load(pipeline));
  }

  @Test
  void bothAreOffByDefault() throws Exception {
    PipelineSettings p = load("  - {name: p, topics: [t], table: t, columns: {a: /a}}\n");

    assertThat(p.autoCreate()).isFalse();
    assertThat(p.evolve()).isFalse();
  }

  @Test
  void eachDeclaredSchemaSourceAllowsThem(@TempDir Path dir) throws Exception {
    Path schema = Files.writeString(dir.resolve("s.json"), "{\"properties\": {}}");

    PipelineSettings json =
        load(
            "  - {name: p, topics: [t], table: t, columns: {a: /a}, schema: \""
                + schema
                + "\", auto-create: true}\n");
    PipelineSettings avro =
        load(
            "  - {name: p, topics: [t], table: t, columns: {a: /a}, format: avro,"
                + " evolve: true}\n");
    PipelineSettings cdc =
        load(
            "  - {name: p, topics: [t], table: t, envelope: debezium, auto-create: true,"
                + " evolve: true}\n");

    assertThat(json.autoCreate()).isTrue();
    assertThat(json.evolve()).isFalse();
    assertThat(avro.autoCreate()).isFalse();
    assertThat(avro.evolve()).isTrue();
    assertThat(cdc.autoCreate()).isTrue();
    assertThat(cdc.evolve()).isTrue();
    assertThat(cdc.toString()).contains(", auto-create, evolve}");
  }

  @Test
  void withoutADeclaredSchemaBothAreRefusedNamingTheKey() {
    ConfigException e =
        problems(
            "  - {name: p, topics: [t], table: t, columns: {a: /a}, auto-create: true,"
                + " evolve: true}\n");

    assertThat(e.problems())
        .contains(
            "pipelines[0].auto-create needs a declared schema to follow: a schema file, format:"
                + " avro, or envelope: debezium",
            "pipelines[0].evolve needs a declared schema to follow: a schema file, format: avro,"
                + " or envelope: debezium");
  }

  @Test
  void protobufIsNotSupportedYet() {
    ConfigException e =
        problems(
            "  - {name: p, topics: [t], table: t, columns: {a: /a}, format: protobuf,"
                + " auto-create: true}\n");

    assertThat(e.problems())
        .contains(
            "pipelines[0].auto-create is not supported for format: protobuf yet (use a schema"
                + " file, or format: avro)");
  }

  @Test
  void aValueThatIsNotABooleanIsRefused() {
    ConfigException e =
        problems(
            "  - {name: p, topics: [t], table: t, columns: {a: /a}, format: avro,"
                + " evolve: sometimes}\n");

    assertThat(String.join("\n", e.problems())).contains("pipelines[0].evolve");
  }
}
