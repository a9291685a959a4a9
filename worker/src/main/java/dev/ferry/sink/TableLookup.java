package dev.ferry.sink;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;

/**
 * Finds the definition of a table a routed pipeline resolved for a record, describing it on first
 * use. Implementations are thread-safe.
 */
public interface TableLookup {
  /** Finds no table: every lookup is {@link Missing}. */
  TableLookup NONE =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          return new Missing("table " + table + " is not known");
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          return lookup(pipeline, table);
        }
      };

  /** What a lookup found. */
  sealed interface Lookup {}

  /**
   * The table exists and fits the pipeline.
   *
   * @param target its key ({@link PostgresSink#targetKey}), known to the pipeline's coercions and
   *     the sink from now on
   */
  record Found(String target) implements Lookup {}

  /** The table does not exist (now, or when last looked for: see the implementation). */
  record Missing(String why) implements Lookup {}

  /** The table exists but cannot take the pipeline's rows (a mapped column or key is missing …). */
  record Unfit(String why) implements Lookup {}

  /**
   * The table {@code table} of {@code pipeline} (a routed pipeline, or one whose table Ferry may
   * create).
   *
   * @throws TablesUnavailableException the catalog could not be read: transient, try again later
   */
  Lookup lookup(PipelineSettings pipeline, TableName table);

  /**
   * As {@link #lookup}, right after DDL ran on {@code table}: a table known missing is looked for
   * again at once, and a known one is read again.
   *
   * @throws TablesUnavailableException the catalog could not be read: transient, try again later
   */
  Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table);
}
