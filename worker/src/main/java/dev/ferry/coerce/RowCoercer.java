package dev.ferry.coerce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * Coerces the mapped values of one pipeline's rows into SQL text for their columns, in the
 * pipeline's column order; a missing value or JSON null is SQL NULL. A record with several bad
 * values fails once, naming every bad column with its reason. Immutable, thread-safe.
 */
public final class RowCoercer {
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

  /** The columns, in the pipeline's order, with the types they were built for. */
  public List<Column> columns() {
    return columns;
  }

  /** The key columns (conflict target of an upsert, what a delete matches), in key order. */
  public List<Column> keyColumns() {
    return keyColumns;
  }

  public List<String> columnNames() {
    List<String> names = new ArrayList<>(columns.size());
    columns.forEach(c -> names.add(c.name()));
    return names;
  }

  /**
   * @throws RecordFailure naming every column whose value failed, each with why; its reason is
   *     {@link Reason#NUL_CHARACTER} when every failure was a NUL character, {@link
   *     Reason#COERCION_FAILED} otherwise
   */
  private static String[] coerce(List<Column> columns, JsonNode[] values) throws RecordFailure {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(
          values.length + " values for " + columns.size() + " columns");
    }
    String[] out = new String[values.length];
    List<String> failures = null; // rare: allocated on the first failure
    boolean onlyNul = true;
    for (int i = 0; i < out.length; i++) {
      JsonNode v = values[i];
      if (v == null || v.isMissingNode() || v.isNull()) {
        continue;
      }
      Column column = columns.get(i);
      try {
        out[i] = column.coercer().apply(v);
      } catch (CoercionException e) {
        if (failures == null) {
          failures = new ArrayList<>(2);
        }
        failures.add(
            "column \""
                + column.name()
                + "\" ("
                + column.type().display()
                + "): "
                + e.getMessage());
        onlyNul &= e.reason() == Reason.NUL_CHARACTER;
      }
    }
    if (failures != null) {
      throw new RecordFailure(
          onlyNul ? Reason.NUL_CHARACTER : Reason.COERCION_FAILED, String.join("; ", failures));
    }
    return out;
  }
}
