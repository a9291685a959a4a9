package dev.ferry.it.registry;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The config of a worker with one registry-framed pipeline, as docs/formats.md shows it: a
 * top-level {@code registry} section with the Confluent-compatible URL, and a pipeline with {@code
 * format: avro} or {@code protobuf} whose columns are JSON Pointers into the decoded record.
 */
final class RegistryPipeline {
  private final KafkaBrokerExtension kafka;
  private final PostgresSchemaExtension pg;
  private final String topic;
  private final String format;
  private final String table;
  private final Map<String, String> columns = new LinkedHashMap<>();
  private String registryUrl;

  private RegistryPipeline(
      KafkaBrokerExtension kafka,
      PostgresSchemaExtension pg,
      String topic,
      String format,
      String table) {
    this.kafka = kafka;
    this.pg = pg;
    this.topic = topic;
    this.format = format;
    this.table = table;
  }

  /** {@code topic}, in {@code format}, into {@code table} of the test schema. */
  static RegistryPipeline of(
      KafkaBrokerExtension kafka,
      PostgresSchemaExtension pg,
      String topic,
      String format,
      String table) {
    return new RegistryPipeline(kafka, pg, topic, format, table);
  }

  /** The registry's Confluent-compatible base URL ({@code …/apis/ccompat/v7}). */
  RegistryPipeline registry(String url) {
    this.registryUrl = url;
    return this;
  }

  /** Maps {@code column} to the JSON Pointer {@code pointer} into the decoded record. */
  RegistryPipeline column(String column, String pointer) {
    columns.put(column, pointer);
    return this;
  }

  /** The worker's consumer group. */
  String group() {
    return "ferry-" + topic;
  }

  String text() {
    StringBuilder pipeline =
        new StringBuilder()
            .append("  - name: registry\n")
            .append("    topics: [")
            .append(topic)
            .append("]\n")
            .append("    format: ")
            .append(format)
            .append('\n')
            .append("    table: ")
            .append(pg.qualified(table))
            .append('\n')
            .append("    columns:\n");
    columns.forEach(
        (column, pointer) ->
            pipeline.append("      ").append(column).append(": \"").append(pointer).append("\"\n"));
    String worker =
        FerryYaml.events(kafka.bootstrapServers(), pg, topic)
            .group(group())
            .withoutEventsPipeline()
            .morePipelines(pipeline.toString())
            .text();
    return worker.stripTrailing()
        + "\nregistry:\n  url: "
        + registryUrl
        + "\n  request-timeout: 2s\n";
  }

  FerryConfig load() throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of()).parse(text(), "test config");
  }

  /** Writes the config to {@code dir/ferry.yaml}, for the CLI's {@code --config}. */
  Path write(Path dir) throws IOException {
    return Files.writeString(dir.resolve("ferry.yaml"), text());
  }

  /**
   * Every record of the pipeline's dead-letter topic ({@code TOPIC.dlt}), none when the worker
   * never created it.
   */
  List<ConsumerRecord<byte[], byte[]>> deadLetters() throws Exception {
    String dlt = topic + ".dlt";
    try (Admin admin = kafka.admin()) {
      if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(dlt)) {
        return List.of();
      }
    }
    return DeadLetters.readAll(kafka.bootstrapServers(), dlt);
  }

  /** The reason and message of each dead letter, for an assertion's description. */
  String describeDeadLetters() throws Exception {
    return deadLetters().stream()
        .map(
            r ->
                DeadLetters.header(r, DeadLetterHeaders.REASON)
                    + ": "
                    + DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE))
        .collect(Collectors.joining("\n", "dead letters:\n", ""));
  }
}
