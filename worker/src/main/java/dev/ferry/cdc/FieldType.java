package dev.ferry.cdc;

import java.util.Map;
import java.util.Optional;

/**
 * The Connect schema of one field of a row image or key, as the JSON converter writes it ({@code
 * {"type": "int64", "name": "io.debezium.time.MicroTimestamp", "parameters": {...}, "optional":
 * true, "field": "updated_at"}}).
 *
 * @param type the Connect type as written: {@code int8}, {@code int16}, {@code int32}, {@code
 *     int64}, {@code float}, {@code double}, {@code boolean}, {@code string}, {@code bytes}, {@code
 *     array}, {@code map}, {@code struct}
 * @param name the semantic (logical) type, e.g. {@code io.debezium.time.MicroTimestamp} or {@code
 *     org.apache.kafka.connect.data.Decimal}
 * @param parameters the schema's parameters as strings: {@code scale} of a {@code Decimal}, {@code
 *     allowed} of an {@code Enum}, {@code length} of {@code Bits} …
 * @param optional whether the field may be null
 */
public record FieldType(
    String type, Optional<String> name, Map<String, String> parameters, boolean optional) {

  public FieldType {
    parameters = Map.copyOf(parameters);
  }

  /** A type without a semantic name or parameters. */
  public static FieldType plain(String type) {
    return new FieldType(type, Optional.empty(), Map.of(), true);
  }

  /** A type with a semantic name. */
  public static FieldType named(String type, String name, Map<String, String> parameters) {
    return new FieldType(type, Optional.of(name), parameters, true);
  }
}
