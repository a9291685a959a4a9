package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A JSON Schema's properties become columns of exact SQL types and optionality. */
class JsonSchemaTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DeclaredTable of(String schema, List<String> keys) throws Exception {
    return JsonSchemaTables.of(JSON.readTree(schema), keys);
  }

  @Test
  void everyTypeAndFormatMapsToItsColumnType() throws Exception {
    DeclaredTable t =
        of(
            """
            {"type": "object",
             "required": ["id", "name", "at", "day", "clock", "ref", "blob", "ok", "amount"],
             "properties": {
               "id": {"type": "integer"},
               "name": {"type": "string"},
               "at": {"type": "string", "format": "date-time"},
               "day": {"type": "string", "format": "date"},
               "clock": {"type": "string", "format": "time"},
               "ref": {"type": "string", "format": "uuid"},
               "blob": {"type": "string", "contentEncoding": "base64"},
               "ok": {"type": "boolean"},
               "amount": {"type": "number"},
               "attrs": {"type": "object"},
               "tags": {"type": "array", "items": {"type": "string"}}
             }}
            """,
            List.of("id"));

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("id", "bigint", false),
            new DeclaredColumn("name", "text", false),
            new DeclaredColumn("at", "timestamptz", false),
            new DeclaredColumn("day", "date", false),
            new DeclaredColumn("clock", "time", false),
            new DeclaredColumn("ref", "uuid", false),
            new DeclaredColumn("blob", "bytea", false),
            new DeclaredColumn("ok", "boolean", false),
            new DeclaredColumn("amount", "numeric", false),
            new DeclaredColumn("attrs", "jsonb", true),
            new DeclaredColumn("tags", "jsonb", true));
    assertThat(t.keyColumns()).containsExactly("id");
  }

  @Test
  void nullInTheTypeOrAnAbsentRequiredMakesAFieldOptional() throws Exception {
    DeclaredTable t =
        of(
            """
            {"type": "object", "required": ["a", "b", "c", "d"],
             "properties": {
               "a": {"type": ["string", "null"]},
               "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
               "c": {"oneOf": [{"type": "string", "format": "date"}, {"type": "string"}]},
               "d": {"type": ["integer", "number"]},
               "e": {"type": "integer"},
               "f": {"type": ["integer", "string"]},
               "g": {},
               "h": {"enum": ["x", "y"]}
             }}
            """,
            List.of());

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("a", "text", true),
            new DeclaredColumn("b", "bigint", true),
            new DeclaredColumn("c", "jsonb", false),
            new DeclaredColumn("d", "numeric", false),
            new DeclaredColumn("e", "bigint", true),
            new DeclaredColumn("f", "jsonb", true),
            new DeclaredColumn("g", "jsonb", true),
            new DeclaredColumn("h", "text", true));
    assertThat(t.keyColumns()).isEmpty();
  }

  @Test
  void localReferencesAreFollowedAndNamesBecomeSnakeCase() throws Exception {
    DeclaredTable t =
        of(
            """
            {"$ref": "#/$defs/order",
             "$defs": {
               "money": {"type": "number"},
               "order": {"type": "object", "required": ["orderId"],
                 "properties": {"orderId": {"type": "integer"}, "HTTPStatus": {"type": "integer"},
                   "unit-price": {"$ref": "#/$defs/money"}}}}}
            """,
            List.of("order_id"));

    assertThat(t.columns())
        .containsExactly(
            new DeclaredColumn("order_id", "bigint", false),
            new DeclaredColumn("http_status", "bigint", true),
            new DeclaredColumn("unit_price", "numeric", true));
  }

  @Test
  void aSchemaWithoutPropertiesOrWithARemoteReferenceIsRefused() {
    assertThatThrownBy(() -> of("{\"type\": \"string\"}", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no \"properties\"");
    assertThatThrownBy(
            () -> of("{\"properties\": {\"a\": {\"$ref\": \"https://x/s.json\"}}}", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only local references");
  }
}
