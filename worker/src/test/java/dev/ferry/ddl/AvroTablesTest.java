package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** An Avro record's fields become columns of exact SQL types and optionality. */
class AvroTablesTest {
  private static DeclaredTable of(String schema, List<String> keys) {
    return AvroTables.of(new Schema.Parser().parse(schema), keys).orElseThrow();
  }

  @Test
  void everyPrimitiveAndComplexTypeMapsToItsColumnType() {
    DeclaredTable t =
        of(
            """
            {"type": "record", "name": "R", "fields": [
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "b", "type": "boolean"},
              {"name": "s", "type": "string"},
              {"name": "by", "type": "bytes"},
              {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
              {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
              {"name": "r", "type": {"type": "record", "name": "In", "fields": []}},
              {"name": "m", "type": {"type": "map", "values": "long"}},
              {"name": "a", "type": {"type": "array", "items": "string"}}
            ]}
            """,
            List.of("l"));

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("i", "integer", false),
            new DeclaredColumn("l", "bigint", false),
            new DeclaredColumn("f", "real", false),
            new DeclaredColumn("d", "double precision", false),
            new DeclaredColumn("b", "boolean", false),
            new DeclaredColumn("s", "text", false),
            new DeclaredColumn("by", "bytea", false),
            new DeclaredColumn("fx", "bytea", false),
            new DeclaredColumn("e", "text", false),
            new DeclaredColumn("r", "jsonb", false),
            new DeclaredColumn("m", "jsonb", false),
            new DeclaredColumn("a", "jsonb", false));
    assertThat(t.keyColumns()).containsExactly("l");
  }

  @Test
  void logicalTypesMapToTheirOwnColumnTypes() {
    DeclaredTable t =
        of(
            """
            {"type": "record", "name": "R", "fields": [
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal",
                "precision": 12, "scale": 2}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
              {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "ltm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
              {"name": "ltu", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
              {"name": "id", "type": {"type": "string", "logicalType": "uuid"}}
            ]}
            """,
            List.of());

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("price", "numeric(12,2)", false),
            new DeclaredColumn("day", "date", false),
            new DeclaredColumn("tm", "time", false),
            new DeclaredColumn("tu", "time", false),
            new DeclaredColumn("tsm", "timestamptz", false),
            new DeclaredColumn("tsu", "timestamptz", false),
            new DeclaredColumn("ltm", "timestamp", false),
            new DeclaredColumn("ltu", "timestamp", false),
            new DeclaredColumn("id", "uuid", false));
  }

  @Test
  void aUnionWithNullOrADefaultIsOptionalAndOtherUnionsAreJsonb() {
    DeclaredTable t =
        of(
            """
            {"type": "record", "name": "R", "fields": [
              {"name": "userId", "type": ["null", "long"], "default": null},
              {"name": "note", "type": ["string", "null"]},
              {"name": "either", "type": ["int", "string"]},
              {"name": "maybeEither", "type": ["null", "int", "string"]},
              {"name": "region", "type": "string", "default": "eu"}
            ]}
            """,
            List.of());

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("user_id", "bigint", true),
            new DeclaredColumn("note", "text", true),
            new DeclaredColumn("either", "jsonb", false),
            new DeclaredColumn("maybe_either", "jsonb", true),
            new DeclaredColumn("region", "text", true));
  }

  @Test
  void aSchemaThatIsNotARecordDeclaresNoTable() {
    assertThat(AvroTables.of(Schema.create(Schema.Type.STRING), List.of())).isEmpty();
  }
}
