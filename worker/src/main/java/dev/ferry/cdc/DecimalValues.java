package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Connect's {@code Decimal} (the unscaled value as base64 two's-complement big-endian bytes, the
 * scale in the schema) and Debezium's {@code VariableScaleDecimal} (a struct {@code {scale,
 * value}}, value encoded the same way) into exact decimals: never through {@code double}.
 * Stateless.
 */
final class DecimalValues {
  static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  static final String VARIABLE = "io.debezium.data.VariableScaleDecimal";

  private DecimalValues() {}

  /** The decimal of base64 {@code raw} at {@code scale}. */
  static BigDecimal fixed(JsonNode raw, int scale) throws CoercionException {
    return new BigDecimal(unscaled(raw, DECIMAL), scale);
  }

  /** The decimal of the struct {@code {scale, value}}. */
  static BigDecimal variable(JsonNode raw) throws CoercionException {
    JsonNode scale = raw.path("scale");
    if (!raw.isObject() || !scale.isIntegralNumber() || !scale.canConvertToInt()) {
      throw new CoercionException(
          "a " + VARIABLE + " value must be a struct {scale, value}, got " + Targets.show(raw));
    }
    return new BigDecimal(unscaled(raw.path("value"), VARIABLE), scale.intValue());
  }

  /** The scale of a {@code Decimal} schema's parameters. */
  static int scale(FieldType type) throws CoercionException {
    try {
      return Integer.parseInt(type.parameters().getOrDefault("scale", ""));
    } catch (NumberFormatException e) {
      throw new CoercionException(
          "the " + DECIMAL + " schema has no whole \"scale\" parameter: " + type.parameters());
    }
  }

  /** {@code d} for a number column (exactly) or a text column (plain notation). */
  static JsonNode render(BigDecimal d, JsonNode raw, ColumnType column) throws CoercionException {
    if (Targets.isNumber(column)) {
      return new DecimalNode(d);
    }
    if (Targets.isText(column)) {
      return new TextNode(d.toPlainString());
    }
    throw Targets.refuse("decimal " + d.toPlainString(), raw, column);
  }

  /** Whether {@code s} is a decimal in plain or scientific notation, as Java reads one. */
  static boolean isDecimalText(String s) {
    if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || "-+.".indexOf(s.charAt(0)) >= 0)) {
      return false;
    }
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether {@code s} is non-empty standard base64 with padding. */
  static boolean isBase64(String s) {
    if (s.isEmpty() || s.length() % 4 != 0) {
      return false;
    }
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static BigInteger unscaled(JsonNode raw, String semantic) throws CoercionException {
    byte[] bytes = BinaryValues.bytes(raw, semantic);
    if (bytes.length == 0) {
      throw new CoercionException("a " + semantic + " value has no bytes");
    }
    return new BigInteger(bytes);
  }
}
