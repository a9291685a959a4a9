package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.util.Set;

/** Column types by family, and the refusal of a value its column cannot take. Stateless. */
final class Targets {
  private static final Set<String> TEXT = Set.of("text", "varchar", "bpchar", "citext", "name");
  private static final Set<String> NUMBERS =
      Set.of("int2", "int4", "int8", "numeric", "float4", "float8");

  private Targets() {}

  /** Whether {@code column} is a text type ({@code text}, {@code varchar(n)} …). */
  static boolean isText(ColumnType column) {
    return TEXT.contains(column.typname());
  }

  /** Whether {@code column} is a number type. */
  static boolean isNumber(ColumnType column) {
    return NUMBERS.contains(column.typname());
  }

  /** Whether {@code column} is the type {@code typname}. */
  static boolean is(ColumnType column, String typname) {
    return column.typname().equals(typname);
  }

  /** A value of {@code semantic} that a column of {@code column}'s type cannot take. */
  static CoercionException refuse(String semantic, JsonNode raw, ColumnType column) {
    return new CoercionException(
        "a "
            + semantic
            + " value ("
            + show(raw)
            + ") cannot go into a "
            + column.display()
            + " column");
  }

  /** The value for a message, cut short when long. */
  static String show(JsonNode v) {
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
