package dev.ferry.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.coerce.CoercionException;
import dev.ferry.coerce.ColumnType;
import java.util.Optional;

/** STUB. */
public final class SemanticValues {
  private SemanticValues() {}

  public static JsonNode normalize(JsonNode raw, Optional<FieldType> type, ColumnType column)
      throws CoercionException {
    return raw;
  }

  public static boolean isUnavailable(JsonNode value) {
    return false;
  }
}
