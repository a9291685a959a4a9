package dev.ferry.coerce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.errors.RecordFailure;
import dev.ferry.errors.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Coerces the mapped values of one pipeline's rows into SQL text for their columns, in the
 * pipeline's column order; a missing value or JSON null is SQL NULL. Immutable, thread-safe.
 */
public final class RowCoercer {
  /** The DLT reason of a value that its column's type cannot hold. */
  public static final String REASON = "coercion-failed";

  private final List<Column> columns;
  private final List<Column> keyColumns;

  /** One target column: its name, type and coercer. */
  public record Column(String name, ColumnType type, Coercer coercer) {}

  public RowCoercer(List<Column> columns, List<Column> keyColumns) {
    this.columns = List.copyOf(columns);
    this.keyColumns = List.copyOf(keyColumns);
  }

  /** The SQL text of each column, from the values a {@code RowMapper} extracted. */
  public String[] row(JsonNode[] values) throws RecordFailure {
    return coerce(columns, values);
  }

  /** The SQL text of each key column, from the values of a record key. */
  public String[] key(JsonNode[] values) throws RecordFailure {
    return coerce(keyColumns, values);
  }

  public List<String> columnNames() {
    List<String> names = new ArrayList<>(columns.size());
    columns.forEach(c -> names.add(c.name()));
    return names;
  }

  private static String[] coerce(List<Column> columns, JsonNode[] values) throws RecordFailure {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          values.length + " values for " + columns.size() + " columns");
    }
    String[] out = new String[values.length];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = values[i];
      if (v == null || v.isMissingNode() || v.isNull()) {
        continue;
      }
      Column column = columns.get(i);
      try {
        out[i] = column.coercer().apply(v);
      } catch (CoercionException e) {
        throw new RecordFailure(
            Stage.TRANSFORM,
            REASON,
            "column \""
                + column.name()
                + "\" ("
                + column.type().display()
                + "): "
                + e.getMessage());
      }
    }
    return out;
  }
}
