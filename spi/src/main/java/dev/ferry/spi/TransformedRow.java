package dev.ferry.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One row a transform produced: a row to write, or a delete.
 *
 * @param table the target table, spelled as in the pipeline's config ({@code table} or one of its
 *     {@code targets})
 * @param value a JSON object the target's {@code columns} point into ({@code /order_id}); {@code
 *     @key}, {@code @topic} and the other metadata sources still read the original record. For a
 *     delete, only the target's {@code key-columns} are read from it, the same way
 * @param op whether the row is written (inserted, or upserted, as the target's {@code mode} says)
 *     or deletes the rows whose key columns equal its key values
 */
public record TransformedRow(String table, JsonNode value, Op op) {
  /** What a transformed row does to its table. */
  public enum Op {
    /** Written as the target's {@code mode} says: inserted, or upserted by its key columns. */
    WRITE,
    /** Deletes by the target's key columns (which it must have). */
    DELETE
  }

  public TransformedRow {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(op, "op");
  }

  /** A row to write. */
  public TransformedRow(String table, JsonNode value) {
    this(table, value, Op.WRITE);
  }

  /** A row to write into {@code table}, as its {@code mode} says. */
  public static TransformedRow write(String table, JsonNode value) {
    return new TransformedRow(table, value, Op.WRITE);
  }

  /**
   * Deletes from {@code table} the rows whose key columns equal the values its column sources read
   * from {@code key} (e.g. {@code {"order_id": 7}} when its key column maps {@code /order_id}).
   */
  public static TransformedRow delete(String table, JsonNode key) {
    return new TransformedRow(table, key, Op.DELETE);
  }
}
