package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coercers of {@code interval} columns whose reading is declared in {@code column-formats}: a
 * number of seconds, milliseconds or microseconds ({@code interval-seconds|millis|micros}), or an
 * ISO-8601 duration ({@code iso-8601}). Both are written as Postgres' exact interval text ({@code
 * -14 mons 3 days -04:05:06.5}): months, days and a time of any length, each range-checked, so that
 * Postgres never reads a value through a double or overflows. Stateless.
 */
final class IntervalCoercers {
  /**
   * {@code [±]P[nY][nM][nW][nD][T[nH][nM][n[.f]S]]}, each number optionally signed, a fraction
   * ({@code .} or {@code ,}) on the seconds only.
   */
  private static final Pattern ISO =
      Pattern.compile(
          "([-+]?)P(?:([-+]?\\d{1,10})Y)?(?:([-+]?\\d{1,10})M)?(?:([-+]?\\d{1,10})W)?"
              + "(?:([-+]?\\d{1,10})D)?(?:T(?:([-+]?\\d{1,19})H)?(?:([-+]?\\d{1,19})M)?"
              + "(?:([-+]?\\d{1,19}(?:[.,]\\d{1,9})?)S)?)?",
          Pattern.CASE_INSENSITIVE);

  /** The largest magnitude of the time part, in nanoseconds: Postgres keeps int64 microseconds. */
  private static final BigInteger MAX_NANOS =
      BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(1_000));

  private IntervalCoercers() {}

  /** A number of units of {@code nanosPerUnit} nanoseconds: a time of that length. */
  static Coercer units(long nanosPerUnit, String unit) {
    return v -> {
      BigInteger nanos = UnitNumbers.nanos(v, nanosPerUnit, unit);
      if (nanos.abs().compareTo(MAX_NANOS) > 0) {
        throw new CoercionException(show(v) + " " + unit + " is out of range for interval");
      }
      return "0 mons 0 days " + UnitNumbers.clock(nanos);
    };
  }

  /** An ISO-8601 duration, {@code P1Y2M3DT4H5M6.5S}, {@code PT-1.5S}, {@code -P2W} … */
  static String iso(JsonNode v) throws CoercionException {
    if (!v.isTextual()) {
      throw new CoercionException(
          "expected an ISO-8601 duration (e.g. P1DT2H30M), got " + kind(v) + " " + show(v));
    }
    String s = v.textValue();
    Matcher m = ISO.matcher(s);
    boolean timeDesignator = s.toUpperCase(java.util.Locale.ROOT).contains("T");
    if (!m.matches()
        || (m.end(1) == s.length() - 1) // a bare P
        || (timeDesignator && m.group(6) == null && m.group(7) == null && m.group(8) == null)) {
      throw new CoercionException(
          show(v) + " is not an ISO-8601 duration (e.g. P1Y2M3DT4H5M6.5S, PT90S or P2W)");
    }
    BigInteger sign = BigInteger.valueOf("-".equals(m.group(1)) ? -1 : 1);
    BigInteger months = part(m, 2, 12).add(part(m, 3, 1)).multiply(sign);
    BigInteger days = part(m, 4, 7).add(part(m, 5, 1)).multiply(sign);
    BigInteger nanos =
        part(m, 6, 3600 * UnitNumbers.NANOS_PER_SECOND)
            .add(part(m, 7, 60 * UnitNumbers.NANOS_PER_SECOND))
            .add(seconds(m.group(8)))
            .multiply(sign);
    if (months.bitLength() > 31 || days.bitLength() > 31 || nanos.abs().compareTo(MAX_NANOS) > 0) {
      throw new CoercionException(show(v) + " is out of range for interval");
    }
    return months + " mons " + days + " days " + UnitNumbers.clock(nanos);
  }

  private static BigInteger part(Matcher m, int group, long factor) {
    String digits = m.group(group);
    return digits == null
        ? BigInteger.ZERO
        : new BigInteger(digits).multiply(BigInteger.valueOf(factor));
  }

  private static BigInteger seconds(String text) {
    return text == null
        ? BigInteger.ZERO
        : new BigDecimal(text.replace(',', '.'))
            .multiply(BigDecimal.valueOf(UnitNumbers.NANOS_PER_SECOND))
            .toBigIntegerExact();
  }
}
