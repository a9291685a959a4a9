package dev.ferry.ddl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The table an Avro record schema (a writer's schema from the registry) declares: one column per
 * field, named by {@link ColumnNames#snakeCase}, in the schema's order. Types: {@code int} → {@code
 * integer}, {@code long} → {@code bigint}, {@code float} → {@code real}, {@code double} → {@code
 * double precision}, {@code boolean}, {@code string} and {@code enum} → {@code text}, {@code bytes}
 * and {@code fixed} → {@code bytea}, {@code record}, {@code map}, {@code array} and a union of
 * several types → {@code jsonb}; logical types: {@code decimal(p,s)} → {@code numeric(p,s)}, {@code
 * date}, {@code time-*} → {@code time}, {@code timestamp-*} → {@code timestamptz}, {@code
 * local-timestamp-*} → {@code timestamp}, {@code uuid}. A field is optional when its type is a
 * union with {@code null}, or when it has a default (a reader of older data fills it, so rows
 * without it are what the schema expects). Stateless.
 */
final class AvroTables {
  private AvroTables() {}

  /**
   * The declared table of {@code schema}; empty when it is not a record (such a value has no
   * columns: the pipeline refuses it when it decodes it).
   *
   * @param keyColumns the pipeline's {@code key-columns}, the created table's primary key
   */
  static Optional<DeclaredTable> of(Schema schema, List<String> keyColumns) {
    if (schema.getType() != Schema.Type.RECORD) {
      return Optional.empty();
    }
    List<DeclaredColumn> columns = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      Schema type = field.schema();
      boolean optional = field.hasDefaultValue();
      if (type.getType() == Schema.Type.UNION) {
        List<Schema> branches = new ArrayList<>();
        for (Schema branch : type.getTypes()) {
          if (branch.getType() == Schema.Type.NULL) {
            optional = true;
          } else {
            branches.add(branch);
          }
        }
        type = branches.size() == 1 ? branches.get(0) : null;
      }
      columns.add(
          new DeclaredColumn(
              ColumnNames.snakeCase(field.name()),
              type == null ? "jsonb" : sqlType(type),
              optional || (type != null && type.getType() == Schema.Type.NULL)));
    }
    return Optional.of(new DeclaredTable(columns, keyColumns));
  }

  /** The SQL type of a (non-union) Avro type. */
  static String sqlType(Schema type) {
    LogicalType logical = type.getLogicalType();
    if (logical != null) {
      String sql = logical(logical);
      if (sql != null) {
        return sql;
      }
    }
    return switch (type.getType()) {
      case INT -> "integer";
      case LONG -> "bigint";
      case FLOAT -> "real";
      case DOUBLE -> "double precision";
      case BOOLEAN -> "boolean";
      case STRING, ENUM -> "text";
      case BYTES, FIXED -> "bytea";
      default -> "jsonb"; // record, map, array, union, null
    };
  }

  /** The SQL type of a logical type; null for one that reads as its underlying type. */
  private static String logical(LogicalType logical) {
    return switch (logical.getName()) {
      case "decimal" -> {
        LogicalTypes.Decimal d = (LogicalTypes.Decimal) logical;
        yield "numeric(" + d.getPrecision() + "," + d.getScale() + ")";
      }
      case "date" -> "date";
      case "time-millis", "time-micros" -> "time";
      case "timestamp-millis", "timestamp-micros", "timestamp-nanos" -> "timestamptz";
      case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos" ->
          "timestamp";
      case "uuid" -> "uuid";
      default -> null; // duration, big-decimal, custom: their underlying type
    };
  }
}
