package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Numbers of a declared time unit (epoch seconds, milliseconds of the day, interval microseconds …)
 * read exactly as decimals and turned into whole nanoseconds: no binary floating point on the way,
 * and a value finer than a nanosecond is refused rather than rounded. Stateless.
 */
final class UnitNumbers {
  static final long NANOS_PER_SECOND = 1_000_000_000L;
  static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;

  /** Digits before the point beyond which no unit of Ferry's fits any column (10^25 ns ≈ 3e8 y). */
  private static final int MAX_INTEGER_DIGITS = 25;

  private UnitNumbers() {}

  /**
   * Whether {@code v} is read as a number of the unit: a JSON number, or a string holding a plain
   * decimal number ({@code -?digits[.digits]}).
   */
  static boolean isNumber(JsonNode v) {
    return v.isNumber() || (v.isTextual() && isDecimalText(v.textValue()));
  }

  /**
   * {@code v}, a number of units of {@code nanosPerUnit} nanoseconds each, in whole nanoseconds.
   *
   * @param unit the unit's name for messages ({@code epoch seconds})
   * @throws CoercionException when {@code v} is not a number, is far out of range, or is finer than
   *     a nanosecond
   */
  static BigInteger nanos(JsonNode v, long nanosPerUnit, String unit) throws CoercionException {
    BigDecimal d = decimal(v, unit);
    try {
      return d.multiply(BigDecimal.valueOf(nanosPerUnit)).toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new CoercionException(
          show(v) + " as " + unit + " is finer than a nanosecond, which Ferry does not round");
    }
  }

  /** {@code v}, a whole number of {@code unit}s ({@code epoch days}). */
  static long whole(JsonNode v, String unit) throws CoercionException {
    BigDecimal d = decimal(v, unit);
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw new CoercionException(show(v) + " is not a whole number of " + unit);
    }
  }

  private static BigDecimal decimal(JsonNode v, String unit) throws CoercionException {
    BigDecimal d;
    if (v.isNumber()) {
      d = NumberCoercers.number(v);
    } else if (v.isTextual() && isDecimalText(v.textValue())) {
      d = new BigDecimal(v.textValue());
    } else {
      throw new CoercionException(
          "expected a number of " + unit + ", got " + kind(v) + " " + show(v));
    }
    // Checked before any exact arithmetic, so that 1e999999999 costs nothing.
    if (d.signum() != 0 && d.precision() - d.scale() > MAX_INTEGER_DIGITS) {
      throw new CoercionException(show(v) + " is out of range as " + unit);
    }
    return d;
  }

  /** {@code -?[0-9]+(\.[0-9]+)?}, without a regex: this runs for every value of such a column. */
  private static boolean isDecimalText(String s) {
    int i = s.startsWith("-") ? 1 : 0;
    int digits = 0;
    boolean point = false;
    int afterPoint = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        if (point) {
          afterPoint++;
        }
      } else if (c == '.' && !point && digits > 0) {
        point = true;
      } else {
        return false;
      }
    }
    return digits > 0 && (!point || afterPoint > 0) && s.length() <= 64;
  }

  /**
   * {@code nanos} as Postgres' interval time field, {@code [-]H:MM:SS[.fraction]}, exactly (the
   * {@code N seconds} spelling goes through a double in Postgres and loses microseconds).
   */
  static String clock(BigInteger nanos) {
    BigInteger[] secondsAndNanos =
        nanos.abs().divideAndRemainder(BigInteger.valueOf(NANOS_PER_SECOND));
    BigInteger[] hoursAndSeconds = secondsAndNanos[0].divideAndRemainder(BigInteger.valueOf(3600));
    int seconds = hoursAndSeconds[1].intValue();
    StringBuilder out = new StringBuilder(24);
    if (nanos.signum() < 0) {
      out.append('-');
    }
    out.append(hoursAndSeconds[0]).append(':');
    two(out, seconds / 60).append(':');
    two(out, seconds % 60);
    long fraction = secondsAndNanos[1].longValue();
    if (fraction != 0) {
      String digits = Long.toString(NANOS_PER_SECOND + fraction).substring(1);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      out.append('.').append(digits, 0, end);
    }
    return out.toString();
  }

  private static StringBuilder two(StringBuilder out, int n) {
    return out.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }
}
