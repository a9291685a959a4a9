package dev.ferry.it.cdc;

import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The config of a worker with one change-data-capture pipeline, as docs/cdc.md shows it: a Debezium
 * topic into a table of the test schema with {@code envelope: debezium}, key columns from the
 * table's primary key and every column mapped by name.
 */
final class CdcPipeline {
  private final KafkaBrokerExtension kafka;
  private final PostgresSchemaExtension pg;
  private final String topic;
  private final String table;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private String group;

  private CdcPipeline(
      KafkaBrokerExtension kafka, PostgresSchemaExtension pg, String topic, String table) {
    this.kafka = kafka;
    this.pg = pg;
    this.topic = topic;
    this.table = table;
    this.group = "ferry-" + topic;
  }

  /** {@code topic} into {@code table} of the test schema. */
  static CdcPipeline of(
      KafkaBrokerExtension kafka, PostgresSchemaExtension pg, String topic, String table) {
    return new CdcPipeline(kafka, pg, topic, table);
  }

  /** Another pipeline setting, such as {@code truncate: apply}. */
  CdcPipeline set(String key, String value) {
    settings.put(key, value);
    return this;
  }

  /** The worker's consumer group; {@code ferry-TOPIC} by default. */
  String group() {
    return group;
  }

  CdcPipeline group(String group) {
    this.group = group;
    return this;
  }

  /**
   * Every record of the pipeline's dead-letter topic (the default, {@code TOPIC.dlt}), none when
   * the worker never created it.
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

  /** The worker's config; more worker-level settings go on the returned {@link FerryYaml}. */
  FerryYaml yaml() {
    StringBuilder pipeline =
        new StringBuilder()
            .append("  - name: cdc\n")
            .append("    topics: [")
            .append(topic)
            .append("]\n")
            .append("    table: ")
            .append(pg.qualified(table))
            .append('\n')
            .append("    envelope: debezium\n");
    settings.forEach(
        (key, value) ->
            pipeline.append("    ").append(key).append(": ").append(value).append('\n'));
    return FerryYaml.events(kafka.bootstrapServers(), pg, topic)
        .group(group)
        .withoutEventsPipeline()
        .morePipelines(pipeline.toString());
  }
}
