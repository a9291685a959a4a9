package dev.ferry.it.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.support.FerryYaml;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import dev.ferry.testkit.registry.Framed;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Three versions of an Avro schema of gauge readings, for tables that follow it: version 2 adds the
 * optional {@code batteryLevel} (a union with null, default null), version 3 instead adds the
 * required {@code site} (no default). The pipeline that reads them creates its table ({@code
 * auto-create}) and widens it ({@code evolve}), columns by name.
 */
final class Gauges {
  private static final String V1_FIELDS =
      """
      {"name": "id", "type": "long"},
      {"name": "device", "type": "string"},
      {"name": "celsius", "type": "double"}""";

  static final String V1 = schema(V1_FIELDS);

  static final String V2 =
      schema(
          V1_FIELDS
              + ",\n{\"name\": \"batteryLevel\", \"type\": [\"null\", \"int\"],"
              + " \"default\": null}");

  static final String V3_REQUIRED =
      schema(V1_FIELDS + ",\n{\"name\": \"site\", \"type\": \"string\"}");

  private static final Schema V1_SCHEMA = new Schema.Parser().parse(V1);
  private static final Schema V2_SCHEMA = new Schema.Parser().parse(V2);
  private static final Schema V3_SCHEMA = new Schema.Parser().parse(V3_REQUIRED);

  private Gauges() {}

  private static String schema(String fields) {
    return "{\"type\": \"record\", \"name\": \"Gauge\", \"namespace\": \"dev.ferry.it\","
        + " \"fields\": [\n"
        + fields
        + "]}";
  }

  /** Reading {@code id} in version 1, framed with {@code schemaId}. */
  static byte[] v1(int schemaId, long id) {
    return Framed.avro(
        schemaId,
        new GenericRecordBuilder(V1_SCHEMA)
            .set("id", id)
            .set("device", device(id))
            .set("celsius", celsius(id))
            .build());
  }

  /** Reading {@code id} in version 2, with its {@link #battery} level. */
  static byte[] v2(int schemaId, long id) {
    return Framed.avro(
        schemaId,
        new GenericRecordBuilder(V2_SCHEMA)
            .set("id", id)
            .set("device", device(id))
            .set("celsius", celsius(id))
            .set("batteryLevel", battery(id))
            .build());
  }

  /** Reading {@code id} in version 3, with a site. */
  static byte[] v3(int schemaId, long id) {
    return Framed.avro(
        schemaId,
        new GenericRecordBuilder(V3_SCHEMA)
            .set("id", id)
            .set("device", device(id))
            .set("celsius", celsius(id))
            .set("site", "site-" + id)
            .build());
  }

  /** The battery level a version-2 reading carries: null for every third. */
  static Integer battery(long id) {
    return id % 3 == 0 ? null : (int) (id % 97);
  }

  /** The row reading {@code id} must become; {@code v2} says whether it carried a battery level. */
  static Map<String, Object> row(long id, boolean v2) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("device", device(id));
    row.put("celsius", celsius(id));
    row.put("battery_level", v2 ? battery(id) : null);
    return row;
  }

  /** Like {@link #row(long, boolean)} for a table without a battery level column. */
  static Map<String, Object> v1Row(long id) {
    Map<String, Object> row = row(id, false);
    row.remove("battery_level");
    return row;
  }

  private static String device(long id) {
    return "gauge-" + id + " \"ü\"";
  }

  private static double celsius(long id) {
    return id * 0.25 - 7.5;
  }

  static ProducerRecord<byte[], byte[]> record(String topic, int partition, long id, byte[] v) {
    return new ProducerRecord<>(topic, partition, Long.toString(id).getBytes(UTF_8), v);
  }

  /**
   * The config of a worker whose pipeline {@code gauges} reads {@code topic} in Avro into {@code
   * table} of the test schema, which it creates and widens, columns by name.
   */
  static String config(
      KafkaBrokerExtension kafka,
      PostgresSchemaExtension pg,
      String topic,
      String group,
      String table,
      String registryUrl) {
    String pipeline =
        """
          - name: gauges
            topics: [%s]
            format: avro
            table: %s
            key-columns: [id]
            auto-create: true
            evolve: true
        """
            .formatted(topic, pg.qualified(table));
    String worker =
        FerryYaml.events(kafka.bootstrapServers(), pg, topic)
            .group(group)
            .withoutEventsPipeline()
            .morePipelines(pipeline)
            .text();
    return worker.stripTrailing()
        + "\nregistry:\n  url: "
        + registryUrl
        + "\n  request-timeout: 2s\n";
  }
}
