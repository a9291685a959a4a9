package dev.ferry.it.registry;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * A small Avro schema of meter readings in two versions (the second adds an optional {@code unit}),
 * for the tests about the registry itself rather than about types.
 */
final class Readings {
  private static final String V1_FIELDS =
      """
      {"name": "id", "type": "long"},
      {"name": "value", "type": {"type": "bytes", "logicalType": "decimal",
        "precision": 12, "scale": 3}},
      {"name": "note", "type": ["null", "string"], "default": null}""";

  /** The text registered as version 1. */
  static final String V1 = schema(V1_FIELDS);

  /** The text registered as version 2. */
  static final String V2 =
      schema(
          V1_FIELDS
              + ",\n{\"name\": \"unit\", \"type\": [\"null\", \"string\"], \"default\": null}");

  static final String TABLE = "(id bigint PRIMARY KEY, value numeric(12,3), note text, unit text)";

  static final Map<String, String> COLUMNS =
      Map.of("id", "/id", "value", "/value", "note", "/note", "unit", "/unit");

  private static final Schema V1_SCHEMA = new Schema.Parser().parse(V1);
  private static final Schema V2_SCHEMA = new Schema.Parser().parse(V2);

  private Readings() {}

  private static String schema(String fields) {
    return "{\"type\": \"record\", \"name\": \"Reading\", \"namespace\": \"dev.ferry.it\","
        + " \"fields\": [\n"
        + fields
        + "]}";
  }

  /** Reading {@code id} in version 1 or 2. */
  static GenericRecord record(long id, boolean version2) {
    GenericRecordBuilder reading =
        new GenericRecordBuilder(version2 ? V2_SCHEMA : V1_SCHEMA)
            .set("id", id)
            .set("value", value(id))
            .set("note", "reading " + id);
    if (version2) {
      reading.set("unit", "kWh");
    }
    return reading.build();
  }

  /** The row reading {@code id} must become. */
  static Map<String, Object> row(long id, boolean version2) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("value", value(id));
    row.put("note", "reading " + id);
    row.put("unit", version2 ? "kWh" : null);
    return row;
  }

  /** Up to the 9 integer digits and 3 decimals of {@code numeric(12,3)}, every other negative. */
  private static BigDecimal value(long id) {
    BigDecimal value = BigDecimal.valueOf(999_999_999_999L - id * 7_919L, 3);
    return id % 2 == 0 ? value.negate() : value;
  }
}
