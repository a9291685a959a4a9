package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The routing keys of a pipeline: table templates, tables-allowed, columns-by-name, unknown-fields.
 */
class TableRoutingSettingsTest {
  private static final String HEAD =
      """
      kafka: {bootstrap-servers: "k:9092", group-id: g}
      database: {url: "jdbc:postgresql://h/d"}
      pipelines:
      """;

  private static FerryConfig load(String pipelines) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(HEAD + pipelines, "test.yaml");
  }

  private static ConfigException problems(String pipelines) {
    return catchThrowableOfType(ConfigException.class, () -> load(pipelines));
  }

  @Test
  void aTemplateWithAnAllowListRoutesAndMapsColumnsByNameByDefault() throws Exception {
    PipelineSettings p =
        load("""
                  - name: events
                    topics: [events]
                    table: "app.{header:kind}"
                    tables-allowed: "app\\\\.(a|b|c)"
                """)
            .pipelines()
            .get(0);

    assertThat(p.routed()).isTrue();
    assertThat(p.tableTemplate().orElseThrow().text()).isEqualTo("app.{header:kind}");
    assertThat(p.tableTemplate().orElseThrow().allowed().pattern()).isEqualTo("app\\.(a|b|c)");
    assertThat(p.fixedTargets()).isEmpty();
    assertThat(p.primary().columnsByName()).isTrue();
    assertThat(p.unknownFields()).isEqualTo(CdcSettings.UnknownFields.IGNORE);
    assertThat(p.toString())
        .contains("table=app.{header:kind}, tables-allowed=app\\.(a|b|c)")
        .contains("columns-by-name");
  }

  @Test
  void aFixedTableIsReadAsBeforeAndListedColumnsTurnByNameOff() throws Exception {
    PipelineSettings p =
        load("  - {name: e, topics: [e], table: app.events, columns: {id: /id}}\n")
            .pipelines()
            .get(0);

    assertThat(p.routed()).isFalse();
    assertThat(p.table().toString()).isEqualTo("app.events");
    assertThat(p.fixedTargets()).hasSize(1);
    assertThat(p.primary().columnsByName()).isFalse();
  }

  @Test
  void listedColumnsAndByNameTogetherLetKeyColumnsComeByName() throws Exception {
    PipelineSettings p =
        load("""
                  - name: e
                    topics: [e]
                    table: events
                    columns-by-name: true
                    columns: {source: "@topic"}
                    mode: upsert
                    key-columns: [id]
                    unknown-fields: dead-letter
                """)
            .pipelines()
            .get(0);

    assertThat(p.primary().columnsByName()).isTrue();
    assertThat(p.keyColumns()).containsExactly("id");
    assertThat(p.unknownFields()).isEqualTo(CdcSettings.UnknownFields.DEAD_LETTER);
  }

  @Test
  void aChangeEventPipelineMayRouteToo() throws Exception {
    PipelineSettings p =
        load("""
                  - name: cdc
                    topics: [shop.public.customers]
                    table: "replica.{field:/source/table}"
                    tables-allowed: "replica\\\\.[a-z_]+"
                    envelope: debezium
                """)
            .pipelines()
            .get(0);

    assertThat(p.routed()).isTrue();
    assertThat(p.cdc()).isPresent();
    assertThat(p.unknownFields()).isEqualTo(CdcSettings.UnknownFields.DEAD_LETTER);
  }

  @Test
  void anInvalidTemplateIsOneProblem() {
    assertThat(
            problems("  - {name: a, topics: [a], table: \"app.{x}\", tables-allowed: y}\n")
                .problems())
        .containsExactly(
            "pipelines[0].table template 'app.{x}' has an unknown placeholder {x}: use {topic},"
                + " {1}..{9}, {header:NAME} or {field:/pointer}");
  }

  @Test
  void everyMistakeNamesItsKey() {
    ConfigException e =
        problems(
            """
              - {name: a, topics: [a], table: "app.{topic}"}
              - {name: b, topics: [b], table: "app.{tenant}", tables-allowed: "app\\\\..*"}
              - {name: c, topics: [c], table: "app.{1}", tables-allowed: "app\\\\..*"}
              - {name: d, topics: [d], table: "app.{topic", tables-allowed: "app\\\\..*"}
              - {name: e, topics: [e], table: events, tables-allowed: "x"}
              - {name: f, topics: [f], table: "app.{topic}", tables-allowed: "app\\\\.(("}
              - {name: g, topics: [g], table: "app-{topic}", tables-allowed: "x"}
              - {name: h, topics: [h], table: "{field:tenant}", tables-allowed: "x"}
              - {name: i, topics: [i], table: events, columns-by-name: false}
              - {name: j, topics: [j], table: j, columns: {x: /x}, unknown-fields: dead-letter}
              - {name: k, topics: [k], table: k, unknown-fields: keep}
              - {name: l, topics: [l], table: "a.b.{topic}", tables-allowed: "x"}
            """);

    assertThat(e.problems())
        .contains(
            "pipelines[0].tables-allowed is required when table is a template: a pattern of the"
                + " table names records may go to, e.g. \"app\\\\.[a-z0-9_]+\"",
            "pipelines[1].table template 'app.{tenant}' has an unknown placeholder {tenant}: use"
                + " {topic}, {1}..{9}, {header:NAME} or {field:/pointer}",
            "pipelines[2].table uses {1}, a group of topic-pattern, but the pipeline has no"
                + " topic-pattern",
            "pipelines[3].table template 'app.{topic' has a '{' at index 4 without its '}'",
            "pipelines[4].tables-allowed applies to a table template only: table 'events' has no"
                + " placeholder",
            "pipelines[6].table template 'app-{topic}' may hold letters, digits, '_', '$' and '.'"
                + " outside placeholders, has 'app-'",
            "pipelines[7].table template '{field:tenant}' {field:tenant} needs a JSON Pointer to a"
                + " field, e.g. {field:/tenant}",
            "pipelines[8].columns must map at least one column to a JSON Pointer or @source",
            "pipelines[9].unknown-fields dead-letter needs columns-by-name: with columns listed"
                + " only, every other field is unused by design",
            "pipelines[10].unknown-fields must be ignore or dead-letter, was 'keep'",
            "pipelines[11].table template 'a.b.{topic}' has more than one '.' (schema.table)");
    assertThat(e.problems())
        .anySatisfy(
            p -> assertThat(p).startsWith("pipelines[5].tables-allowed is not a valid regular"));
  }
}
