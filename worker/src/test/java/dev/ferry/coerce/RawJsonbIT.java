package dev.ferry.coerce;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.format.JsonDocuments;
import dev.ferry.format.JsonFormat;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The record's own text of a jsonb value, which the coercer sends, and the tree's text, which it
 * sent before, are the same jsonb in the real Postgres: equal, and stored alike.
 */
class RawJsonbIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final Coercer JSONB =
      Coercers.of(ColumnType.of("jsonb", "jsonb", "jsonb", 'U', -1)).orElseThrow();

  @Test
  void theRecordsTextAndTheTreesTextAreOneJsonbValue() throws Exception {
    JsonDocuments documents = new JsonDocuments(23);
    JsonFormat format = new JsonFormat().onlyFields(Set.of("doc", "list"));
    List<String> sent = new ArrayList<>();
    List<String> trees = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      String doc = documents.next();
      String list = "[" + documents.next() + " , " + documents.next() + "]";
      ObjectNode value =
          format.decode(("{\"doc\": " + doc + ", \"list\":" + list + "}").getBytes(UTF_8));
      for (JsonNode node : List.of(value.get("doc"), value.get("list"))) {
        sent.add(JSONB.apply(node));
        trees.add(node.toString());
      }
    }
    long differentlySpelled = countDifferent(sent, trees);
    assertThat(differentlySpelled).isGreaterThan(sent.size() / 2);

    try (Connection c = PG.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT a, b FROM unnest(?::text[], ?::text[]) AS t(a, b)"
                    + " WHERE NOT (a::jsonb = b::jsonb AND a::jsonb::text = b::jsonb::text)")) {
      Array a = c.createArrayOf("text", sent.toArray());
      Array b = c.createArrayOf("text", trees.toArray());
      s.setArray(1, a);
      s.setArray(2, b);
      List<String> mismatches = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          mismatches.add(rs.getString(1) + "  vs  " + rs.getString(2));
        }
      }
      assertThat(mismatches).isEmpty();
    }
  }

  private static long countDifferent(List<String> a, List<String> b) {
    long n = 0;
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        n++;
      }
    }
    return n;
  }
}
