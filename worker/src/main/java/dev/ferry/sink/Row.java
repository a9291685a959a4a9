package dev.ferry.sink;

/**
 * One row for one pipeline's table: SQL text per mapped column, in the pipeline's column order,
 * {@code null} for SQL NULL; and the record it came from.
 */
public record Row(String pipeline, String[] values, Origin origin) {}
