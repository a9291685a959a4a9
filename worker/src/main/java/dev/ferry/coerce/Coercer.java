package dev.ferry.coerce;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns a non-null JSON value into the SQL text of one column type. */
@FunctionalInterface
public interface Coercer {
  String apply(JsonNode value) throws CoercionException;
}
