package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands load beyond the loader's checks is still a config problem, reported with the
 * rest before anything is contacted: Kafka clients that refuse their combined settings, and a JSON
 * Schema file that does not compile.
 */
class ConfigFileOptionTest {
  @Test
  void aSchemaThatDoesNotCompileAndAClientThatRefusesItsSettingsAreReportedTogether(
      @TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("events.schema.json"), "{\"type\": \"obj");
    ConfigFileOption option = new ConfigFileOption();
    option.file =
        Files.writeString(
            dir.resolve("ferry.yaml"),
            """
            kafka:
              bootstrap-servers: 127.0.0.1:9092
              client-properties: {max.in.flight.requests.per.connection: "10"}
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - {name: p, topics: [t], table: t, schema: events.schema.json, columns: {a: /a}}
            """);
    StringWriter err = new StringWriter();

    assertThat(option.load(new PrintWriter(err))).isEmpty();

    assertThat(err.toString())
        .contains("invalid configuration in " + option.file + " (3 problems)")
        .contains("pipelines[0].schema: JSON Schema " + dir.resolve("events.schema.json"))
        .contains("the Kafka dead-letter producer Ferry builds from them")
        .contains("the Kafka replay producer Ferry builds from them");
  }
}
