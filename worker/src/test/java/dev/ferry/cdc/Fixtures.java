package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real Debezium change events under {@code src/test/resources/cdc/fixtures/} (see its README)
 * and the column types of their source table, {@code all_types}.
 */
final class Fixtures {
  /** The two JSON forms the events were captured in. */
  enum Form {
    SCHEMAS_ON("schemas-on"),
    SCHEMAS_OFF("schemas-off");

    final String dir;

    Form(String dir) {
      this.dir = dir;
    }
  }

  /** Every event with a value, in the order Debezium wrote them. */
  static final List<String> EVENTS =
      List.of(
          "r-typical",
          "r-edge",
          "r-max",
          "r-nulls",
          "c-all-types",
          "u-toast-unchanged",
          "u-in-tx-first",
          "u-in-tx-second",
          "d-key-change",
          "c-key-change",
          "d",
          "t");

  /** The source table's columns as the sink would describe them (bit columns as bytea). */
  static final Map<String, ColumnType> COLUMNS =
      Map.ofEntries(
          Map.entry("id", type("integer", "int4", 'N', -1)),
          Map.entry("c_smallint", type("smallint", "int2", 'N', -1)),
          Map.entry("c_integer", type("integer", "int4", 'N', -1)),
          Map.entry("c_bigint", type("bigint", "int8", 'N', -1)),
          Map.entry("c_numeric", type("numeric(12,4)", "numeric", 'N', (12 << 16 | 4) + 4)),
          Map.entry("c_numeric_any", type("numeric", "numeric", 'N', -1)),
          Map.entry("c_real", type("real", "float4", 'N', -1)),
          Map.entry("c_double", type("double precision", "float8", 'N', -1)),
          Map.entry("c_boolean", type("boolean", "bool", 'B', -1)),
          Map.entry("c_text", type("text", "text", 'S', -1)),
          Map.entry("c_varchar", type("character varying(40)", "varchar", 'S', 44)),
          Map.entry("c_uuid", type("uuid", "uuid", 'U', -1)),
          Map.entry("c_date", type("date", "date", 'D', -1)),
          Map.entry("c_time", type("time without time zone", "time", 'D', -1)),
          Map.entry("c_time3", type("time(3) without time zone", "time", 'D', 3)),
          Map.entry("c_timetz", type("time with time zone", "timetz", 'D', -1)),
          Map.entry("c_timestamp", type("timestamp without time zone", "timestamp", 'D', -1)),
          Map.entry("c_timestamp3", type("timestamp(3) without time zone", "timestamp", 'D', 3)),
          Map.entry("c_timestamptz", type("timestamp with time zone", "timestamptz", 'D', -1)),
          Map.entry("c_interval", type("interval", "interval", 'T', -1)),
          Map.entry("c_json", type("json", "json", 'U', -1)),
          Map.entry("c_jsonb", type("jsonb", "jsonb", 'U', -1)),
          Map.entry("c_bytea", type("bytea", "bytea", 'U', -1)),
          Map.entry("c_enum", type("mood", "mood", 'E', -1)),
          Map.entry("c_bit4", type("bytea", "bytea", 'U', -1)),
          Map.entry("c_varbit", type("bytea", "bytea", 'U', -1)),
          Map.entry("c_big", type("text", "text", 'S', -1)));

  private Fixtures() {}

  static ColumnType type(String display, String typname, char category, int typmod) {
    return ColumnType.of(display, display, typname, category, typmod);
  }

  /** The value of event {@code label}, parsed as the pipeline parses values. */
  static ObjectNode value(Form form, String label) {
    try {
      return (ObjectNode) ExactJson.MAPPER.readTree(bytes(form, label + ".value.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key bytes of event {@code label}. */
  static byte[] key(Form form, String label) {
    return bytes(form, label + ".key.json");
  }

  /** The event {@code label} read by {@link DebeziumEnvelope}. */
  static ChangeEvent event(Form form, String label) {
    try {
      return DebeziumEnvelope.read(value(form, label));
    } catch (dev.ferry.errors.RecordFailure e) {
      throw new AssertionError(form + " " + label + ": " + e.getMessage(), e);
    }
  }

  /**
   * The SQL text of {@code column} in {@code event}, as the sink would bind it: normalized by
   * {@link SemanticValues} with the event's field type, then coerced; null for SQL NULL.
   */
  static String sqlText(ChangeEvent event, String column) throws CoercionException {
    ColumnType type = COLUMNS.get(column);
    JsonNode value =
        SemanticValues.normalize(
            event.row().get(column), Optional.ofNullable(event.rowTypes().get(column)), type);
    return value == null || value.isNull() ? null : Coercers.of(type).orElseThrow().apply(value);
  }

  private static byte[] bytes(Form form, String file) {
    String path = "/cdc/fixtures/" + form.dir + "/" + file;
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
