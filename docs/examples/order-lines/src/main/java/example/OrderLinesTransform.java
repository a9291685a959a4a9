package example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.spi.InputRecord;
import dev.ferry.spi.RecordTransform;
import dev.ferry.spi.TransformException;
import dev.ferry.spi.TransformedRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits an order (schemas/orders.schema.json) into one row for the orders table, with the line
 * count and the exact total added, and one row per line item for the order-lines table.
 *
 * <p>Options: {@code orders-table} (default {@code orders}) and {@code lines-table} (default
 * {@code order_lines}), spelled as in the pipeline's config. Thread-safe after configure: it keeps
 * only the two table names.
 */
public final class OrderLinesTransform implements RecordTransform {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private volatile String ordersTable = "orders";
  private volatile String linesTable = "order_lines";

  @Override
  public String name() {
    return "order-lines";
  }

  @Override
  public void configure(String pipeline, Map<String, String> options) throws TransformException {
    for (String key : options.keySet()) {
      if (!key.equals("orders-table") && !key.equals("lines-table")) {
        throw new TransformException("unknown option '" + key + "'");
      }
    }
    ordersTable = options.getOrDefault("orders-table", ordersTable);
    linesTable = options.getOrDefault("lines-table", linesTable);
  }

  @Override
  public List<TransformedRow> apply(InputRecord record) throws TransformException {
    JsonNode order = record.value();
    JsonNode lines = order.path("lines");
    if (!lines.isArray() || lines.isEmpty()) {
      throw new TransformException("the order has no line items (/lines)");
    }
    List<TransformedRow> rows = new ArrayList<>(lines.size() + 1);
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      if (!line.path("quantity").isIntegralNumber() || !line.path("unit_price").isNumber()) {
        throw new TransformException("line " + (i + 1) + " has no numeric quantity and unit_price");
      }
      total =
          total.add(
              line.get("unit_price").decimalValue().multiply(line.get("quantity").decimalValue()));
      ObjectNode row = JSON.objectNode();
      row.set("order_id", order.path("order_id"));
      row.put("line_no", i + 1);
      row.set("sku", line.path("sku"));
      row.set("quantity", line.get("quantity"));
      row.set("unit_price", line.get("unit_price"));
      rows.add(new TransformedRow(linesTable, row));
    }
    ObjectNode head = order.deepCopy();
    head.remove("lines");
    head.put("line_count", lines.size());
    head.put("total", total);
    rows.add(0, new TransformedRow(ordersTable, head));
    return rows;
  }
}
