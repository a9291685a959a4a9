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
   * @return whether this call ran a DDL statement. False also when the table fitted already, which
   *     may be because another replica changed it a moment ago: a caller whose cached definition
   *     lacked the table or a declared column reads the definition again either way
   * @throws ProvisionException when the table cannot be made to fit: with {@link
   *     ProvisionException#isTransient()} (Postgres unreachable, a lock not had in time) the record
   *     is tried again later; otherwise it is dead-lettered with {@link
   *     ProvisionException#reason()} ({@code schema-evolution-refused}), or, when that is empty,
   *     with the caller's own reason (the table is missing and was not created: {@code
   *     table-missing})
   */
  boolean ensure(String pipeline, TableName table, DeclaredTable declared)
      throws ProvisionException;
}
