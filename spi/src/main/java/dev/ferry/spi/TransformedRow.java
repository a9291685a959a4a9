package dev.ferry.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One row a transform produced.
 *
 * @param table the target table, spelled as in the pipeline's config ({@code table} or one of its
 *     {@code targets})
 * @param value a JSON object the target's {@code columns} point into ({@code /order_id}); {@code
 *     @key}, {@code @topic} and the other metadata sources still read the original record
 */
public record TransformedRow(String table, JsonNode value) {
  public TransformedRow {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(value, "value");
  }
}
