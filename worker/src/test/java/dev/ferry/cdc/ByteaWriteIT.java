package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cdc.Fixtures.Form;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real Debezium {@code bytes} reach a {@code bytea} column byte for byte: base64 from the events,
 * normalized and coerced to hex text, bound as text and cast the way the sink's statements do
 * ({@code CAST(? AS bytea)}), read back as the same bytes. Empty and NUL-holding values included.
 */
class ByteaWriteIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @Test
  void bytesFromChangeEventsLandExactlyInBytea() throws Exception {
    String table = PG.qualified("blobs");
    PG.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, b bytea)");
    List<String> rows = List.of("r-typical", "r-edge", "r-max", "c-all-types");
    try (Connection c = PG.connect();
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO " + table + " VALUES (?, CAST(? AS bytea))")) {
      for (int i = 0; i < rows.size(); i++) {
        insert.setInt(1, i);
        insert.setString(
            2, Fixtures.sqlText(Fixtures.event(Form.SCHEMAS_ON, rows.get(i)), "c_bytea"));
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          c.prepareStatement("SELECT b FROM " + table + " WHERE id = ?")) {
        for (int i = 0; i < rows.size(); i++) {
          select.setInt(1, i);
          try (ResultSet rs = select.executeQuery()) {
            assertThat(rs.next()).isTrue();
            String base64 =
                Fixtures.event(Form.SCHEMAS_ON, rows.get(i)).row().get("c_bytea").textValue();
            assertThat(rs.getBytes(1))
                .as(rows.get(i))
                .isEqualTo(Base64.getDecoder().decode(base64));
          }
        }
      }
    }
  }
}
