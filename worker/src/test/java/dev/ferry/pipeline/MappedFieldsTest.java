package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.format.RawJson;
import dev.ferry.sink.PostgresSink;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pipeline decodes only the top-level fields its columns read, unless something else sees the
 * whole value: a JSON Schema, a transform, the Debezium envelope or a column of the whole value.
 */
class MappedFieldsTest {
  private static PipelineSettings pipeline(String extra, String columns) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - name: p
                topics: [t]
                table: t
                %s
                columns: {%s}
            """
                .formatted(extra, columns),
            "test")
        .pipelines()
        .get(0);
  }

  @Test
  void theFirstSegmentOfEachValuePointer() throws Exception {
    PipelineSettings p =
        pipeline(
            "",
            "id: /id, n: /attrs/n, s: /attrs/s, slash: /a~1b/c, k: '@key', o: '@offset',"
                + " h: '@header:x'");

    assertThat(MappedFields.of(p)).contains(Set.of("id", "attrs", "a/b"));
  }

  @Test
  void theWholeValueWhenAColumnReadsIt() throws Exception {
    assertThat(MappedFields.of(pipeline("", "id: /id, doc: ''"))).isEmpty();
  }

  @Test
  void theWholeValueWhenColumnsMapByNameOrTheTableIsRouted() throws Exception {
    assertThat(MappedFields.of(pipeline("columns-by-name: true", "id: /id"))).isEmpty();
    PipelineSettings routed =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - {name: p, topics: [t], table: "{topic}", tables-allowed: t, columns: {id: /id}}
                """,
                "test")
            .pipelines()
            .get(0);
    assertThat(MappedFields.of(routed)).isEmpty(); // {field:…} may read any field
  }

  @Test
  void theWholeValueForATransformOrASchema() throws Exception {
    assertThat(MappedFields.of(pipeline("transform: t", "id: /id"))).isEmpty();
    assertThat(MappedFields.of(pipeline("schema: ../schemas/events.schema.json", "id: /id")))
        .isEmpty();
  }

  @Test
  void aPlainPipelineDecodesOnlyItsFields() throws Exception {
    PipelineSettings settings = pipeline("", "id: /id, attrs: /attrs");
    Pipeline pipeline =
        new Pipeline(
            settings,
            Map.of(
                PostgresSink.targetKey("p", settings.table()),
                new RowCoercer(List.of(), List.of())),
            Optional.empty());

    ObjectNode value =
        pipeline.decode("{\"id\":1,\"attrs\":{\"a\" : 1},\"skip\":{\"x\":[1,2]}}".getBytes(UTF_8));

    assertThat(value.fieldNames()).toIterable().containsExactly("id", "attrs");
    assertThat(((RawJson) value.get("attrs")).rawJson()).isEqualTo("{\"a\" : 1}");
  }
}
