package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The settings of change-event pipelines ({@code envelope}) and of versioned upserts. */
class ChangeEventSettingsTest {
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
  void aDebeziumPipelineNeedsOnlyItsTopicsAndTable() throws Exception {
    PipelineSettings p =
        load("  - {name: customers, topics: [shop.public.customers], table: customers, envelope: debezium}\n")
            .pipelines()
            .get(0);

    assertThat(p.cdc()).contains(CdcSettings.DEFAULTS);
    assertThat(p.mode()).isEqualTo(PipelineSettings.Mode.UPSERT);
    assertThat(p.primary().columnsByName()).isTrue();
    assertThat(p.keyColumns()).isEmpty(); // the table's primary key, read at start
    assertThat(p.columns()).isEmpty();
    assertThat(p.tombstones()).isEqualTo(PipelineSettings.Tombstones.SKIP);
    assertThat(p.toString()).contains("envelope=debezium, truncate=dead-letter");
  }

  @Test
  void truncateUnknownFieldsKeyColumnsAndListedColumnsAreRead() throws Exception {
    PipelineSettings p =
        load("""
                  - name: customers
                    topics: [shop.public.customers]
                    table: customers
                    envelope: Debezium
                    truncate: apply
                    unknown-fields: ignore
                    key-columns: [tenant, id]
                    columns: {source_db: /source/db}
                """)
            .pipelines()
            .get(0);

    assertThat(p.cdc())
        .contains(new CdcSettings(CdcSettings.Truncate.APPLY, CdcSettings.UnknownFields.IGNORE));
    assertThat(p.keyColumns()).containsExactly("tenant", "id");
    assertThat(p.columns().get("source_db").toString()).isEqualTo("/source/db");
  }

  @Test
  void settingsForPlainValuesAreRefusedWithChangeEventsAndTheReverse() {
    ConfigException e =
        problems(
            """
              - name: a
                topics: [a]
                table: a
                envelope: debezium
                mode: insert
                tombstones: delete
                transform: t
                version-column: v
                truncate: sometimes
                unknown-fields: keep
              - {name: b, topics: [b], table: b, columns: {x: /x}, truncate: apply}
              - {name: c, topics: [c], table: c, columns: {x: /x}, envelope: maxwell}
            """);

    assertThat(e.problems())
        .contains(
            "pipelines[0].mode must be upsert with envelope: debezium, was 'insert'",
            "pipelines[0].tombstones is not allowed with envelope: debezium: the tombstone after"
                + " a delete event is always skipped: the delete event deletes",
            "pipelines[0].transform is not allowed with envelope: debezium: a transform reads"
                + " plain values: a change event pipeline has none",
            "pipelines[0].version-column is not allowed with envelope: debezium: change events"
                + " are ordered by their source position already",
            "pipelines[0].truncate must be one of dead-letter, apply, skip, was 'sometimes'",
            "pipelines[0].unknown-fields must be one of dead-letter, ignore, was 'keep'",
            "pipelines[1].truncate applies to change events only: set envelope: debezium",
            "pipelines[2].envelope must be plain or debezium, was 'maxwell'");
  }

  @Test
  void aVersionColumnGuardsAnUpsertByAMappedNonKeyColumn() throws Exception {
    PipelineSettings p =
        load("""
                  - name: a
                    topics: [a]
                    table: a
                    mode: upsert
                    key-columns: [id]
                    version-column: updated_at
                    columns: {id: /id, updated_at: /updated_at}
                """)
            .pipelines()
            .get(0);
    assertThat(p.primary().versionColumn()).contains("updated_at");
    assertThat(p.primary().columnsByName()).isFalse();
    assertThat(p.cdc()).isEqualTo(Optional.empty());

    ConfigException e =
        problems(
            """
              - {name: a, topics: [a], table: a, version-column: v, columns: {v: /v}}
              - {name: b, topics: [b], table: b, mode: upsert, key-columns: [id], version-column: w, columns: {id: /id}}
              - {name: c, topics: [c], table: c, mode: upsert, key-columns: [id], version-column: id, columns: {id: /id}}
            """);
    assertThat(e.problems())
        .contains(
            "pipelines[0].version-column needs mode: upsert (it guards the update)",
            "pipelines[1].version-column 'w' is not one of the mapped columns",
            "pipelines[2].version-column 'id' is a key column");
  }
}
