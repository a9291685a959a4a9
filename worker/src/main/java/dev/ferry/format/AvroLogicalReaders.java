package dev.ferry.format;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The readers of Avro's logical types, exact: {@code decimal} (on bytes or fixed) as a {@code
 * BigDecimal} with the schema's scale; {@code date}, {@code time-*}, {@code timestamp-*} and {@code
 * local-timestamp-*} as ISO-8601 text ({@link AvroTimes}); {@code uuid} (on a string or a
 * fixed(16)) as its text. Any other logical type ({@code duration}, {@code big-decimal}, a custom
 * one) reads as its underlying type. Avro's parser attaches a logical type only to the types it
 * fits, so the underlying type here is the right one. Stateless.
 */
final class AvroLogicalReaders {
  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long NANOS_PER_MICRO = 1_000L;
  private static final long MILLIS = 1_000L;
  private static final long MICROS = 1_000_000L;
  private static final long NANOS = 1_000_000_000L;

  private AvroLogicalReaders() {}

  /** The reader of {@code schema}'s logical type; null when it has none that reads differently. */
  static AvroValueReader of(Schema schema) {
    LogicalType logical = schema.getLogicalType();
    if (logical == null) {
      return null;
    }
    return switch (logical.getName()) {
      case "decimal" -> decimal(schema, ((LogicalTypes.Decimal) logical).getScale());
      case "date" -> in -> TextNode.valueOf(AvroTimes.date(in.readInt()));
      case "time-millis" ->
          in ->
              TextNode.valueOf(
                  AvroTimes.timeOfDay(in.readInt(), NANOS_PER_MILLI, 3, "time-millis"));
      case "time-micros" ->
          in ->
              TextNode.valueOf(
                  AvroTimes.timeOfDay(in.readLong(), NANOS_PER_MICRO, 6, "time-micros"));
      case "timestamp-millis" -> timestamp(MILLIS, 3, true);
      case "timestamp-micros" -> timestamp(MICROS, 6, true);
      case "timestamp-nanos" -> timestamp(NANOS, 9, true);
      case "local-timestamp-millis" -> timestamp(MILLIS, 3, false);
      case "local-timestamp-micros" -> timestamp(MICROS, 6, false);
      case "local-timestamp-nanos" -> timestamp(NANOS, 9, false);
      case "uuid" -> uuid(schema);
      default -> null;
    };
  }

  private static AvroValueReader timestamp(long unitsPerSecond, int digits, boolean zoned) {
    return in ->
        TextNode.valueOf(AvroTimes.timestamp(in.readLong(), unitsPerSecond, digits, zoned));
  }

  /**
   * The unscaled value as big-endian two's-complement bytes, the scale from the schema: exact,
   * however large. The value is not checked against the schema's precision; the column's type
   * refuses what it cannot hold.
   */
  private static AvroValueReader decimal(Schema schema, int scale) {
    boolean fixed = schema.getType() == Schema.Type.FIXED;
    int size = fixed ? schema.getFixedSize() : 0;
    return in -> {
      byte[] unscaled = fixed ? AvroBytes.fixed(in, size) : AvroBytes.bytes(in);
      return DecimalNode.valueOf(new BigDecimal(unscaled(unscaled), scale));
    };
  }

  private static BigInteger unscaled(byte[] bytes) throws AvroDataException {
    if (bytes.length == 0) {
      throw new AvroDataException(
          "a decimal has no bytes (its unscaled value needs at least one, 0 is a single 0 byte)");
    }
    return new BigInteger(bytes);
  }

  private static AvroValueReader uuid(Schema schema) {
    if (schema.getType() == Schema.Type.STRING) {
      return in -> TextNode.valueOf(AvroBytes.string(in));
    }
    return in -> {
      ByteBuffer bytes = ByteBuffer.wrap(AvroBytes.fixed(in, 16));
      return TextNode.valueOf(new UUID(bytes.getLong(), bytes.getLong()).toString());
    };
  }
}
