package dev.ferry.coerce;

import static dev.ferry.coerce.Coercers.kind;
import static dev.ferry.coerce.Coercers.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The coercers of the numeric types: {@code smallint}, {@code integer}, {@code bigint}, {@code
 * numeric(p,s)}, {@code real} and {@code double precision}. A JSON number, or a string holding one,
 * is read exactly (no binary floating point on the way) and refused when the type cannot hold it as
 * it is: nothing is rounded. Stateless.
 */
final class NumberCoercers {
  /** The largest {@code real}, exactly. */
  static final BigDecimal FLOAT4_MAX = new BigDecimal(Float.toString(Float.MAX_VALUE));

  // Postgres numeric: up to 131072 digits before the decimal point, 16383 after.
  private static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
  private static final int NUMERIC_MAX_SCALE = 16_383;

  private NumberCoercers() {}

  /** A whole number within {@code [min, max]}; {@code type} names the column type in messages. */
  static String integer(JsonNode v, long min, long max, String type) throws CoercionException {
    BigDecimal d = number(v);
    // Checked before any exact conversion, so that 1e999999999 costs nothing.
    if (d.signum() != 0 && d.precision() - d.scale() > 19) {
      throw new CoercionException(
          show(v) + " is out of range for " + type + " (" + min + " to " + max + ")");
    }
    BigInteger whole;
    try {
      whole = d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new CoercionException(show(v) + " is not a whole number, and " + type + " needs one");
    }
    if (whole.bitLength() > 63 || whole.longValue() < min || whole.longValue() > max) {
      throw new CoercionException(
          show(v) + " is out of range for " + type + " (" + min + " to " + max + ")");
    }
    return whole.toString();
  }

  /** A number that {@code type}, a {@code numeric} with or without precision and scale, keeps. */
  static String numeric(JsonNode v, ColumnType type) throws CoercionException {
    BigDecimal d = number(v);
    if (d.signum() == 0) {
      return "0";
    }
    d = d.stripTrailingZeros();
    int integerDigits = Math.max(d.precision() - d.scale(), 0);
    int decimals = Math.max(d.scale(), 0);
    if (type.precision() < 0) {
      if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS || decimals > NUMERIC_MAX_SCALE) {
        throw new CoercionException(show(v) + " is beyond the range of numeric");
      }
      return d.toPlainString();
    }
    if (decimals > type.scale()) {
      throw new CoercionException(
          show(v)
              + " has "
              + decimals
              + " decimal places, "
              + type.display()
              + " keeps "
              + type.scale()
              + " (Ferry does not round)");
    }
    if (integerDigits > type.precision() - type.scale()) {
      throw new CoercionException(
          show(v)
              + " does not fit "
              + type.display()
              + " (at most "
              + (type.precision() - type.scale())
              + " digits before the decimal point)");
    }
    return d.toPlainString();
  }

  /**
   * A finite number for {@code real} ({@code max} is {@link #FLOAT4_MAX}) or {@code double
   * precision} ({@code max} is null).
   */
  static String floating(JsonNode v, BigDecimal max, String type) throws CoercionException {
    BigDecimal d = number(v);
    double value = d.doubleValue();
    if (Double.isInfinite(value) || (max != null && d.abs().compareTo(max) > 0)) {
      throw new CoercionException(show(v) + " is out of range for " + type);
    }
    if (value == 0 && d.signum() != 0 || max != null && (float) value == 0 && d.signum() != 0) {
      throw new CoercionException(show(v) + " is too close to zero for " + type);
    }
    return max != null ? Float.toString((float) value) : Double.toString(value);
  }

  /** A JSON number, or a string holding one, exactly. */
  static BigDecimal number(JsonNode v) throws CoercionException {
    if (v.isNumber()) {
      if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
        throw new CoercionException(show(v) + " is not a finite number");
      }
      return v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.textValue());
      } catch (NumberFormatException e) {
        throw new CoercionException(show(v) + " is not a number");
      }
    }
    throw new CoercionException("expected a number, got " + kind(v) + " " + show(v));
  }
}
