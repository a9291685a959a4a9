package dev.ferry.coerce;

import java.util.Optional;
import java.util.Set;

/**
 * A table column's type as Postgres reports it, reduced to what coercion needs.
 *
 * @param display the type as {@code format_type} writes it with modifiers, for messages ({@code
 *     numeric(12,2)}, {@code character varying(40)}, {@code integer[]})
 * @param castType the type without modifiers, for {@code CAST(? AS …)}; a domain's own name, so
 *     that its constraints apply
 * @param typname the internal name of the base type ({@code int4}, {@code varchar}, {@code
 *     timestamptz}); for an array, of the array type ({@code _int4})
 * @param category Postgres' {@code typcategory}: {@code A} array, {@code E} enum, {@code N} numeric
 *     …
 * @param length the maximum length of a {@code varchar(n)} or {@code char(n)}; -1 without one
 * @param precision the precision of a {@code numeric(p,s)}, -1 for an unconstrained numeric; the
 *     fractional-second digits of a {@code time(p)}, {@code timetz(p)}, {@code timestamp(p)} or
 *     {@code timestamptz(p)}, -1 without them (Postgres then keeps 6)
 * @param scale the scale of a {@code numeric(p,s)}; 0 without one
 * @param element the element type of an array
 */
public record ColumnType(
    String display,
    String castType,
    String typname,
    char category,
    int length,
    int precision,
    int scale,
    Optional<ColumnType> element) {
  private static final Set<String> TIMES = Set.of("time", "timetz", "timestamp", "timestamptz");

  /**
   * Builds a type from the catalog's fields, decoding the type modifier as Postgres encodes it
   * ({@code varchar(n)}: n + 4; {@code numeric(p,s)}: ((p << 16) | s) + 4; {@code time(p)}, {@code
   * timestamp(p)} and their zoned kin: p).
   */
  public static ColumnType of(
      String display, String castType, String typname, char category, int typmod) {
    int length = -1;
    int precision = -1;
    int scale = 0;
    if (typmod >= 4 && (typname.equals("varchar") || typname.equals("bpchar"))) {
      length = typmod - 4;
    } else if (typmod >= 4 && typname.equals("numeric")) {
      precision = ((typmod - 4) >> 16) & 0xffff;
      scale = (short) ((typmod - 4) & 0xffff);
    } else if (typmod >= 0 && TIMES.contains(typname)) {
      precision = typmod;
    }
    return new ColumnType(
        display, castType, typname, category, length, precision, scale, Optional.empty());
  }

  /** An array of {@code element}. */
  public static ColumnType arrayOf(String display, String castType, ColumnType element) {
    return new ColumnType(
        display, castType, "_" + element.typname(), 'A', -1, -1, 0, Optional.of(element));
  }
}
