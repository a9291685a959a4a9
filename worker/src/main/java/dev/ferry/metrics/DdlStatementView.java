package dev.ferry.metrics;

import java.util.List;

/**
 * The DDL statements ({@code CREATE TABLE}, {@code ALTER TABLE … ADD COLUMN}) that pipelines with
 * {@code auto-create} or {@code evolve} ran. Thread-safe.
 */
public interface DdlStatementView {
  /** The {@code kind} labels. */
  List<String> KINDS = List.of("create-table", "add-column");

  /** A worker that runs no DDL. */
  DdlStatementView NONE = (pipeline, kind) -> 0;

  /** The statements of {@code kind} (one of {@link #KINDS}) that {@code pipeline} ran. */
  long statements(String pipeline, String kind);
}
