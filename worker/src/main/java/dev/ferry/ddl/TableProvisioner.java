package dev.ferry.ddl;

import dev.ferry.config.TableName;

/**
 * Makes a target table fit what a record declares: creates a missing table from the declaration
 * (when the pipeline's {@code auto-create} is on) and adds a nullable column for each optional
 * declared field the table lacks (when {@code evolve} is on). Never drops, renames or narrows. Safe
 * when several replicas race on the same table. Thread-safe.
 */
public interface TableProvisioner {
  /** Does nothing and reports that nothing ran: the pipeline creates and alters no table. */
  TableProvisioner NONE = (pipeline, table, declared) -> false;

  /**
   * Creates {@code table} or adds the columns it lacks, as the pipeline's settings allow.
   *
   * @param pipeline the pipeline's name, for the DDL log and counter
   * @return whether any DDL statement ran (the caller then reads the table's definition again)
   * @throws ProvisionException when the table cannot be made to fit (the record is dead-lettered
   *     with the exception's reason), or the database refused a statement
   */
  boolean ensure(String pipeline, TableName table, DeclaredTable declared)
      throws ProvisionException;
}
