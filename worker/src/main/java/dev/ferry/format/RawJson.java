package dev.ferry.format;

/**
 * A JSON object or array that remembers the UTF-8 text it was read from, so a {@code jsonb} column
 * can take that text as it is instead of having the tree written out again. Only the values of a
 * record's top-level fields carry it, and only when the pipeline reads nothing but mapped fields
 * (no transform could have changed the tree since).
 */
public interface RawJson {
  /** The value's text exactly as the record spelled it. */
  String rawJson();
}
