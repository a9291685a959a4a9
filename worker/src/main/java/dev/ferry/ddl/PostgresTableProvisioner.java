package dev.ferry.ddl;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.errors.FailureClass;
import dev.ferry.errors.FailureClassifier;
import dev.ferry.errors.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and widens tables in Postgres as pipelines' {@code auto-create} and {@code evolve} allow.
 * A missing table is created ({@code CREATE TABLE IF NOT EXISTS}) with the declared columns, all
 * nullable, and a primary key on the declared key columns (their only NOT NULL). An existing table
 * gets {@code ALTER TABLE … ADD COLUMN IF NOT EXISTS} for each optional declared field it lacks, as
 * a nullable column; a required one is refused ({@code schema-evolution-refused}). Nothing is ever
 * dropped, renamed or narrowed, and a column whose type differs from the declaration is left alone.
 *
 * <p>Race safety: the catalog is read first without a lock (nothing to do is the common case); when
 * something is missing, one transaction takes {@code pg_advisory_xact_lock(hashtext('ferry.ddl:' ||
 * schema.table))}, reads the catalog again under it, and runs only what is still missing, so
 * replicas racing on the same table run each statement once and all succeed. Each statement that
 * ran is logged at INFO with its pipeline and SQL, and counted in {@link DdlStatements}, after the
 * commit. Thread-safe; each call uses its own connection.
 */
public final class PostgresTableProvisioner implements TableProvisioner {
  private static final Logger log = LoggerFactory.getLogger(PostgresTableProvisioner.class);

  /** The types the declarations produce; anything else is refused rather than put into SQL. */
  private static final Pattern SQL_TYPE =
      Pattern.compile("[a-z][a-z ]*[a-z](\\(\\d{1,4}(,\\d{1,4})?\\))?(\\[\\])?");

  /**
   * How long one change waits for the advisory lock and then for the table's locks before giving up
   * (a transient failure: tried again later).
   */
  private static final String LOCK_TIMEOUT = "10s";

  /**
   * What a statement answers when someone outside Ferry's lock (an operator, a migration tool)
   * created the same table or column at the same moment: the catalog's unique index (23505, two
   * concurrent {@code CREATE TABLE IF NOT EXISTS}), duplicate table (42P07), duplicate column
   * (42701). Transient: tried again, the catalog read then finds the work done.
   */
  private static final Set<String> RACED = Set.of("23505", "42P07", "42701");

  private static final String LOCK =
      "SELECT pg_advisory_xact_lock(hashtext('ferry.ddl:' || coalesce(?, current_schema())"
          + " || '.' || ?))";

  /** What a pipeline may do to its tables. */
  public record Policy(boolean autoCreate, boolean evolve) {}

  private final DataSource dataSource;
  private final Map<String, Policy> policies;
  private final DdlStatements statements;

  /**
   * @param policies by pipeline name; a pipeline not in it creates and alters nothing
   * @param statements counts the statements that ran
   */
  public PostgresTableProvisioner(
      DataSource dataSource, Map<String, Policy> policies, DdlStatements statements) {
    this.dataSource = dataSource;
    this.policies = Map.copyOf(policies);
    this.statements = statements;
  }

  /** The provisioner of {@code pipelines}' {@code auto-create} and {@code evolve} settings. */
  public static PostgresTableProvisioner of(
      DataSource dataSource, List<PipelineSettings> pipelines, DdlStatements statements) {
    Map<String, Policy> policies = new HashMap<>();
    for (PipelineSettings p : pipelines) {
      policies.put(p.name(), new Policy(p.autoCreate(), p.evolve()));
    }
    return new PostgresTableProvisioner(dataSource, policies, statements);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ProvisionException reason {@code schema-evolution-refused} for a required field the
   *     table lacks; without a reason for a declaration Ferry cannot turn into SQL (a column name
   *     that is not a plain identifier, twice the same column, a key column of a table to create
   *     that is not declared) or a statement Postgres refused; transient when Postgres could not be
   *     reached or a lock not be had in time
   */
  @Override
  public boolean ensure(String pipeline, TableName table, DeclaredTable declared)
      throws ProvisionException {
    Policy policy = policies.getOrDefault(pipeline, new Policy(false, false));
    if (!policy.autoCreate() && !policy.evolve()) {
      return false;
    }
    validate(table, declared);
    try (Connection c = dataSource.getConnection()) {
      TableShape shape = TableShape.read(c, table);
      if (!c.getAutoCommit()) {
        // Ends the read's transaction (a pooled connection is not in auto-commit mode): one that
        // already holds its lock on pg_class processes no catalog invalidations, so to_regclass
        // under the advisory lock would still answer "no such table" from the cache after another
        // worker created it, and the CREATE would be logged and counted again.
        c.rollback();
      }
      if (plan(policy, table, declared, shape).isEmpty()) {
        return false;
      }
      List<Planned> ran = underLock(c, policy, table, declared);
      for (Planned statement : ran) {
        log.info("pipeline {}: {}", pipeline, statement.sql());
        statements.add(pipeline, statement.kind());
      }
      return !ran.isEmpty();
    } catch (SQLException e) {
      boolean transientFailure =
          FailureClassifier.classify(e) == FailureClass.TRANSIENT
              || RACED.contains(String.valueOf(e.getSQLState()));
      throw new ProvisionException(
          "could not make table " + table + " fit the declared schema: " + e.getMessage(),
          transientFailure,
          e);
    }
  }

  /** One transaction: the advisory lock, the catalog again, what is still missing; committed. */
  private List<Planned> underLock(
      Connection c, Policy policy, TableName table, DeclaredTable declared)
      throws SQLException, ProvisionException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        // Bounds the wait for the advisory lock (another replica's DDL) and for the table's
        // writers: past it the caller retries later rather than holding a worker thread.
        s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      }
      try (PreparedStatement lock = c.prepareStatement(LOCK)) {
        lock.setString(1, table.schema().orElse(null));
        lock.setString(2, table.name());
        lock.execute();
      }
      List<Planned> ran = execute(c, plan(policy, table, declared, TableShape.read(c, table)));
      c.commit();
      return ran;
    } catch (SQLException | ProvisionException | RuntimeException e) {
      rollback(c, e);
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Runs the planned statements; returns those that changed something. A statement whose {@code IF
   * NOT EXISTS} found the table or column there already is left out (Postgres says so with a
   * notice, 42P07 or 42701): with real Debezium, two lanes of one worker racing to create a table
   * both planned the create under the lock, and the second, a no-op, was logged and counted too.
   */
  static List<Planned> execute(Connection c, List<Planned> plan) throws SQLException {
    List<Planned> ran = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (Planned statement : plan) {
        s.clearWarnings();
        s.execute(statement.sql());
        if (!skipped(s.getWarnings())) {
          ran.add(statement);
        }
      }
    }
    return ran;
  }

  private static boolean skipped(SQLWarning warning) {
    for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
      if ("42P07".equals(w.getSQLState()) || "42701".equals(w.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** A statement to run, and its kind for the counter. */
  record Planned(String kind, String sql) {}

  /**
   * The statements that make {@code shape} fit {@code declared} as {@code policy} allows: none when
   * it fits already or may not be changed.
   */
  static List<Planned> plan(
      Policy policy, TableName table, DeclaredTable declared, TableShape shape)
      throws ProvisionException {
    if (!shape.exists()) {
      if (!policy.autoCreate()) {
        return List.of();
      }
      checkKeys(table, declared);
      return List.of(new Planned(DdlStatements.CREATE_TABLE, createTable(table, declared)));
    }
    if (!policy.evolve() || !shape.alterable()) {
      return List.of();
    }
    List<DeclaredColumn> missing = declared.missingFrom(shape.columns());
    List<String> required =
        missing.stream().filter(d -> !d.optional()).map(DeclaredColumn::name).toList();
    if (!required.isEmpty()) {
      throw new ProvisionException(
          Reason.SCHEMA_EVOLUTION_REFUSED,
          "the record declares required field(s) "
              + required
              + " that table "
              + table
              + " has no column for: evolve adds only optional fields, as nullable columns (add"
              + " the column, or make the field optional, then replay the dead letters)");
    }
    List<Planned> plan = new ArrayList<>();
    for (DeclaredColumn column : missing) {
      plan.add(
          new Planned(
              DdlStatements.ADD_COLUMN,
              "ALTER TABLE "
                  + table.quoted()
                  + " ADD COLUMN IF NOT EXISTS "
                  + TableName.quote(column.name())
                  + " "
                  + column.sqlType()));
    }
    return plan;
  }

  static String createTable(TableName table, DeclaredTable declared) {
    List<String> parts = new ArrayList<>();
    for (DeclaredColumn column : declared.columns()) {
      parts.add(TableName.quote(column.name()) + " " + column.sqlType());
    }
    if (!declared.keyColumns().isEmpty()) {
      parts.add(
          "PRIMARY KEY ("
              + declared.keyColumns().stream()
                  .map(TableName::quote)
                  .collect(Collectors.joining(", "))
              + ")");
    }
    return "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (" + String.join(", ", parts) + ")";
  }

  /** Refuses a declaration whose names or types cannot go into SQL as they are. */
  static void validate(TableName table, DeclaredTable declared) throws ProvisionException {
    if (declared.columns().isEmpty()) {
      throw new ProvisionException(
          "the declared schema of " + table + " has no fields: no table can follow it");
    }
    Set<String> names = new HashSet<>();
    for (DeclaredColumn column : declared.columns()) {
      if (!TableName.isIdentifier(column.name())) {
        throw new ProvisionException(
            "the declared field '"
                + column.name()
                + "' of "
                + table
                + " is not a plain column name (a letter or '_', then letters, digits and '_', at"
                + " most 63)");
      }
      if (!names.add(column.name())) {
        throw new ProvisionException(
            "the declared schema of " + table + " has two fields for column " + column.name());
      }
      if (!SQL_TYPE.matcher(column.sqlType()).matches()) {
        throw new ProvisionException(
            "the declared type '"
                + column.sqlType()
                + "' of "
                + column.name()
                + " is not one Ferry creates");
      }
    }
  }

  /** Refuses key columns a table created from {@code declared} would not have. */
  private static void checkKeys(TableName table, DeclaredTable declared) throws ProvisionException {
    Set<String> names =
        declared.columns().stream().map(DeclaredColumn::name).collect(Collectors.toSet());
    for (String key : declared.keyColumns()) {
      if (!names.contains(key)) {
        throw new ProvisionException(
            "key column " + key + " of " + table + " is not a field of the declared schema");
      }
    }
  }
}
