package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The after struct of a Debezium envelope's Connect schema becomes columns of exact types. */
class ConnectTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An envelope schema whose before and after structs have {@code fields}. */
  static JsonNode envelope(String fields) throws Exception {
    String row = "{\"type\": \"struct\", \"optional\": true, \"fields\": [" + fields + "]";
    return JSON.readTree(
        "{\"type\": \"struct\", \"name\": \"shop.public.t.Envelope\", \"fields\": ["
            + row
            + ", \"field\": \"before\"}, "
            + row
            + ", \"field\": \"after\"}, "
            + "{\"type\": \"string\", \"optional\": false, \"field\": \"op\"}]}");
  }

  @Test
  void plainConnectTypesMapToTheirColumnTypes() throws Exception {
    var columns =
        ConnectTables.columns(
                envelope(
                    """
                    {"type": "int8", "optional": false, "field": "a"},
                    {"type": "int16", "optional": false, "field": "b"},
                    {"type": "int32", "optional": false, "field": "c"},
                    {"type": "int64", "optional": false, "field": "d"},
                    {"type": "float", "optional": true, "field": "e"},
                    {"type": "double", "optional": true, "field": "f"},
                    {"type": "boolean", "optional": true, "field": "g"},
                    {"type": "string", "optional": true, "field": "h"},
                    {"type": "bytes", "optional": true, "field": "i"},
                    {"type": "struct", "fields": [], "optional": true, "field": "j"},
                    {"type": "map", "keys": {"type": "string"}, "values": {"type": "int32"},
                     "optional": true, "field": "k"},
                    {"type": "array", "items": {"type": "int32", "optional": true},
                     "optional": true, "field": "l"},
                    {"type": "array", "items": {"type": "string", "optional": true},
                     "optional": true, "field": "m"},
                    {"type": "array", "items": {"type": "int32", "optional": true,
                     "name": "io.debezium.time.Date"}, "optional": true, "field": "n"},
                    {"type": "string", "optional": false, "default": "x", "field": "o"}
                    """))
            .orElseThrow();

    assertThat(columns)
        .containsExactly(
            new DeclaredColumn("a", "smallint", false),
            new DeclaredColumn("b", "smallint", false),
            new DeclaredColumn("c", "integer", false),
            new DeclaredColumn("d", "bigint", false),
            new DeclaredColumn("e", "real", true),
            new DeclaredColumn("f", "double precision", true),
            new DeclaredColumn("g", "boolean", true),
            new DeclaredColumn("h", "text", true),
            new DeclaredColumn("i", "bytea", true),
            new DeclaredColumn("j", "jsonb", true),
            new DeclaredColumn("k", "jsonb", true),
            new DeclaredColumn("l", "integer[]", true),
            new DeclaredColumn("m", "text[]", true),
            new DeclaredColumn("n", "jsonb", true),
            new DeclaredColumn("o", "text", true));
  }

  @Test
  void semanticTypesMapToTheirOwnColumnTypes() throws Exception {
    var columns =
        ConnectTables.columns(
                envelope(
                    """
                    {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",
                     "parameters": {"scale": "2", "connect.decimal.precision": "12"},
                     "optional": false, "field": "price"},
                    {"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",
                     "parameters": {"scale": "3"}, "optional": true, "field": "rate"},
                    {"type": "struct", "name": "io.debezium.data.VariableScaleDecimal",
                     "fields": [], "optional": true, "field": "anyn"},
                    {"type": "int32", "name": "io.debezium.time.Date", "optional": true, "field": "d1"},
                    {"type": "int32", "name": "org.apache.kafka.connect.data.Date", "optional": true, "field": "d2"},
                    {"type": "int64", "name": "io.debezium.time.MicroTime", "optional": true, "field": "t1"},
                    {"type": "int32", "name": "org.apache.kafka.connect.data.Time", "optional": true, "field": "t2"},
                    {"type": "int64", "name": "io.debezium.time.MicroTimestamp", "optional": true, "field": "ts1"},
                    {"type": "int64", "name": "io.debezium.time.NanoTimestamp", "optional": true, "field": "ts2"},
                    {"type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "optional": true, "field": "ts3"},
                    {"type": "string", "name": "io.debezium.time.ZonedTimestamp", "optional": true, "field": "tz"},
                    {"type": "string", "name": "io.debezium.time.ZonedTime", "optional": true, "field": "ttz"},
                    {"type": "int64", "name": "io.debezium.time.MicroDuration", "optional": true, "field": "iv"},
                    {"type": "string", "name": "io.debezium.data.Json", "optional": true, "field": "doc"},
                    {"type": "string", "name": "io.debezium.data.Uuid", "optional": false, "field": "id"},
                    {"type": "string", "name": "io.debezium.data.Enum", "optional": true, "field": "mood"},
                    {"type": "bytes", "name": "io.debezium.data.Bits", "optional": true, "field": "bits"},
                    {"type": "string", "name": "some.other.Name", "optional": true, "field": "other"}
                    """))
            .orElseThrow();

    assertThat(columns)
        .containsExactly(
            new DeclaredColumn("price", "numeric(12,2)", false),
            new DeclaredColumn("rate", "numeric", true),
            new DeclaredColumn("anyn", "numeric", true),
            new DeclaredColumn("d1", "date", true),
            new DeclaredColumn("d2", "date", true),
            new DeclaredColumn("t1", "time", true),
            new DeclaredColumn("t2", "time", true),
            new DeclaredColumn("ts1", "timestamp", true),
            new DeclaredColumn("ts2", "timestamp", true),
            new DeclaredColumn("ts3", "timestamp", true),
            new DeclaredColumn("tz", "timestamptz", true),
            new DeclaredColumn("ttz", "timetz", true),
            new DeclaredColumn("iv", "interval", true),
            new DeclaredColumn("doc", "jsonb", true),
            new DeclaredColumn("id", "uuid", false),
            new DeclaredColumn("mood", "text", true),
            new DeclaredColumn("bits", "bytea", true),
            new DeclaredColumn("other", "text", true));
  }

  @Test
  void aSchemaWithoutAnAfterStructDeclaresNothing() throws Exception {
    assertThat(ConnectTables.columns(JSON.readTree("{\"type\": \"struct\", \"fields\": []}")))
        .isEmpty();
  }
}
