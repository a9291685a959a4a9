package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cdc.Fixtures.Form;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every column of the real events, in both forms, normalized and then coerced by its column's
 * coercer, lands as exactly the SQL text its source row held.
 */
class SemanticValuesTest {
  /** Column, then the coerced text in r-typical, r-edge, r-max and c-all-types. */
  private static final String EXPECTED =
      """
      id             | 1 | 2 | 3 | 10
      c_smallint     | 12 | -32768 | 32767 | 7
      c_integer      | 123456 | -2147483648 | 2147483647 | 70
      c_bigint       | 1234567890123 | -9223372036854775808 | 9223372036854775807 | 700
      c_numeric      | 12345678.1234 | -99999999.9999 | 99999999.9999 | 0.0001
      c_numeric_any  | 3.14159265358979323846 | -0.000000000000000000000000000001 \
      | 123456789012345678901234567890.123456789 | -1.5
      c_real         | 1.5 | -3.4E38 | 3.4E38 | 0.1
      c_double       | 2.718281828459045 | -1.0E-300 | 1.7976931348623157E308 | 0.1
      c_boolean      | true | false | true | true
      c_text         | hello | <empty> | max | inserted
      c_varchar      | varchar value | ünïcødé 🚀 | xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | v
      c_uuid         | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 | 00000000-0000-0000-0000-000000000000 \
      | ffffffff-ffff-ffff-ffff-ffffffffffff | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12
      c_date         | 2024-05-01 | 1969-12-31 | 9999-12-31 | 2000-02-29
      c_time         | 13:45:30.123456 | 00:00:00 | 23:59:59.999999 | 12:00:00.5
      c_time3        | 13:45:30.123 | 00:00:00.001 | 23:59:59.999 | 12:00:00.5
      c_timetz       | 11:45:30.123456Z | 05:30:00Z | 09:59:59.999999Z | 20:00:00.5Z
      c_timestamp    | 2024-05-01T13:45:30.123456 | 1969-12-31T23:59:59.999999 \
      | 9999-12-31T23:59:59.999999 | 2000-02-29T12:00:00.000001
      c_timestamp3   | 2024-05-01T13:45:30.123 | 1900-01-01T00:00:00.001 | 0001-01-01T00:00 \
      | 2000-02-29T12:00:00.500
      c_timestamptz  | 2024-05-01T11:45:30.123456Z | 1969-12-31T23:59:59.999999Z \
      | 9999-12-31T23:59:59.999999Z | 2000-02-29T20:00:00.000001Z
      c_interval     | 37091106.789012 seconds | -86400.000001 seconds \
      | 31560229800.000000 seconds | 1.500000 seconds
      c_json         | {"b": 1, "a": [1, 2]} | [] | {"nested": {"deep": [true, null, 1.0e2]}} \
      | {"k": "v"}
      c_jsonb        | {"a":[1,2],"b":1} | "a string" | {"n":12345678901234567890.123456789} \
      | {"k":"v"}
      c_bytea        | \\xdeadbeef00 | \\x | \\x00ff | \\x0102
      c_enum         | happy | sad | ok | ok
      c_bit4         | \\x0a | \\x | \\x0f | \\x05
      c_varbit       | \\x05 | \\x | \\xff | \\x01
      c_big          | short | <empty> | max | <any>
      """;

  private static final List<String> ROWS = List.of("r-typical", "r-edge", "r-max", "c-all-types");

  @ParameterizedTest
  @EnumSource(Form.class)
  void everyTypeLandsExactly(Form form) throws Exception {
    List<String> wrong = new ArrayList<>();
    for (String line : EXPECTED.strip().split("\n")) {
      String[] cells = line.split("\\s*\\|\\s*");
      String column = cells[0].strip();
      for (int i = 0; i < ROWS.size(); i++) {
        ChangeEvent event = Fixtures.event(form, ROWS.get(i));
        String expected = cells[i + 1].strip();
        String actual = Fixtures.sqlText(event, column);
        boolean same =
            switch (expected) {
              case "<any>" -> actual != null;
              case "<null>" -> actual == null;
              case "<empty>" -> "".equals(actual);
              default -> expected.equals(actual);
            };
        if (!same) {
          wrong.add(ROWS.get(i) + " " + column + ": expected " + expected + ", got " + actual);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void aRowOfNullsStaysNull(Form form) throws Exception {
    ChangeEvent nulls = Fixtures.event(form, "r-nulls");
    for (String column : Fixtures.COLUMNS.keySet()) {
      if (!column.equals("id")) {
        assertThat(Fixtures.sqlText(nulls, column)).as(column).isNull();
      }
    }
  }
}
