package dev.ferry.ddl;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The DDL statements Ferry ran, counted by pipeline and kind ({@code create-table}, {@code
 * add-column}): plain counts that {@code ferry_ddl_statements_total} reads. Thread-safe.
 */
public final class DdlStatements {
  /** A {@code CREATE TABLE}. */
  public static final String CREATE_TABLE = "create-table";

  /** An {@code ALTER TABLE … ADD COLUMN}. */
  public static final String ADD_COLUMN = "add-column";

  /** Every kind, for the metric's labels. */
  public static final List<String> KINDS = List.of(CREATE_TABLE, ADD_COLUMN);

  private final ConcurrentMap<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String pipeline, String kind) {
    counts.computeIfAbsent(pipeline + '\n' + kind, k -> new LongAdder()).increment();
  }

  /** The statements of {@code kind} that {@code pipeline} ran. */
  public long count(String pipeline, String kind) {
    LongAdder adder = counts.get(pipeline + '\n' + kind);
    return adder == null ? 0 : adder.sum();
  }
}
