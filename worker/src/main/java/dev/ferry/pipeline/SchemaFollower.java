package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclarationException;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredTable;
import dev.ferry.ddl.ProvisionException;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.TableLookup;
import dev.ferry.sink.TablesUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Gives the pipeline's {@link TableProvisioner} its chance to make a table fit a record's declared
 * schema ({@link RecordSchemas}): to create a table a record routes to that does not exist, and to
 * add the columns a by-name table lacks for a record's declared fields; then reads the table again.
 * Whether it creates or alters anything is the provisioner's (the pipeline's {@code auto-create}
 * and {@code evolve}). With {@link TableProvisioner#NONE} or {@link RecordSchemas#NONE} it does
 * nothing and costs nothing. Thread-safe.
 */
final class SchemaFollower {
  /** The reason of a record whose declared field the provisioner refused to add. */
  static final Reason EVOLUTION_REFUSED = Reason.SCHEMA_EVOLUTION_REFUSED;

  /** How many declared schemas per table are remembered as tried; more start over. */
  private static final int MAX_TRIED = 64;

  private final PipelineSettings settings;
  private final RecordSchemas schemas;
  private final TableProvisioner provisioner;
  private final TableLookup tables;
  private final RowCoercions coercions;

  /**
   * Per target: each declared table already offered to the provisioner, with the column snapshot it
   * was offered against; offered again only once the snapshot changed. Each target's map is also
   * the lock its offers are made under.
   */
  private final Map<String, Map<DeclaredTable, Offer>> tried = new ConcurrentHashMap<>();

  /** One offer of a declared table: the columns it was made against, and the refusal if any. */
  private record Offer(RowCoercer snapshot, RecordFailure refusal) {}

  /**
   * @param coercions the current columns of the pipeline's tables, by target key
   */
  SchemaFollower(
      PipelineSettings settings,
      RecordSchemas schemas,
      TableProvisioner provisioner,
      TableLookup tables,
      RowCoercions coercions) {
    this.settings = settings;
    this.schemas = schemas;
    this.provisioner = provisioner;
    this.tables = tables;
    this.coercions = coercions;
  }

  /** Whether the pipeline may create or widen tables at all. */
  boolean active() {
    return schemas != RecordSchemas.NONE && provisioner != TableProvisioner.NONE;
  }

  /**
   * After {@code table} was found missing: asks the provisioner to create it from the record's
   * declared schema, and looks it up again when it did.
   *
   * @return the lookup after the DDL; empty when nothing was created
   * @throws RecordFailure the provisioner refused (reason {@code table-missing}, its message), or
   *     the record is a change event whose declaration has no primary key (a truncate, a keyless
   *     source table, without {@code key-columns}): nothing is created from it
   */
  Optional<TableLookup.Lookup> create(
      TableName table, ConsumerRecord<byte[], byte[]> record, JsonNode value) throws RecordFailure {
    if (!active()) {
      return Optional.empty();
    }
    Optional<DeclaredTable> declared = declared(table, record, value, Reason.TABLE_MISSING);
    if (declared.isEmpty()) {
      return Optional.empty();
    }
    if (settings.cdc().isPresent() && declared.get().keyColumns().isEmpty()) {
      // A change-event table is written and deleted by its key: a table created without one
      // would refuse every later event, even those that do carry the key.
      throw new RecordFailure(
          Reason.TABLE_MISSING,
          "table "
              + table
              + " does not exist, and this change event declares no primary key to create it"
              + " with (the record has no key: a truncate, or an event of a source table without"
              + " a primary key); the first event with a key creates it, or set key-columns");
    }
    // Looked up again even when this replica ran nothing: another one may have created it.
    ensure(table, declared.get(), Reason.TABLE_MISSING);
    return Optional.of(tables.lookupAfterDdl(settings, table));
  }

  /**
   * Offers the provisioner the record's declared fields that the table's current columns lack;
   * reads the table again when it offered any, so that the record's row is built with the new
   * columns. Callers on other threads that find the same fields missing meanwhile wait for that
   * offer and its read instead of building their rows from the columns read before (which would
   * drop the new fields' values). A refusal is remembered with the columns it was made against:
   * every record declaring the same schema is refused alike until the table changes.
   *
   * @param target the table's key ({@code PostgresSink#targetKey}), whose current columns {@link
   *     RowCoercions#current} gives
   * @throws RecordFailure the provisioner refused to add a field
   */
  void widen(String target, TableName table, ConsumerRecord<byte[], byte[]> record, JsonNode value)
      throws RecordFailure {
    if (!active()) {
      return;
    }
    Optional<DeclaredTable> declared = declared(table, record, value, EVOLUTION_REFUSED);
    if (declared.isEmpty() || !lacksColumn(declared.get(), coercions.current(target))) {
      return; // the common case: no lock
    }
    Map<DeclaredTable, Offer> offered =
        tried.computeIfAbsent(target, k -> new ConcurrentHashMap<>());
    synchronized (offered) {
      RowCoercer current = coercions.current(target);
      if (!lacksColumn(declared.get(), current)) {
        return; // another thread added the columns and read the table while this one waited
      }
      Offer last = offered.get(declared.get());
      if (last != null && last.snapshot() == current) {
        if (last.refusal() != null) {
          throw new RecordFailure(last.refusal().reason(), last.refusal().getMessage());
        }
        return; // offered against this very snapshot already: the provisioner left it as it is
      }
      if (offered.size() >= MAX_TRIED) {
        offered.clear();
      }
      try {
        ensure(table, declared.get(), EVOLUTION_REFUSED);
      } catch (RecordFailure refused) {
        offered.put(declared.get(), new Offer(current, refused));
        throw refused;
      }
      offered.put(declared.get(), new Offer(current, null));
      // Read again even when this replica ran nothing: another one may have added the columns.
      tables.lookupAfterDdl(settings, table);
    }
  }

  private static boolean lacksColumn(DeclaredTable declared, RowCoercer current) {
    for (DeclaredColumn column : declared.columns()) {
      if (!current.columnNames().contains(column.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The record's declared table.
   *
   * @throws TablesUnavailableException the declaration could not be read for now (the registry)
   * @throws RecordFailure the record's declaration cannot be used (reason {@code refused})
   */
  private Optional<DeclaredTable> declared(
      TableName table, ConsumerRecord<byte[], byte[]> record, JsonNode value, Reason refused)
      throws RecordFailure {
    try {
      return schemas.of(record, value);
    } catch (DeclarationException e) {
      if (e.isTransient()) {
        throw new TablesUnavailableException(
            "cannot read the declared schema for table " + table + ": " + e.getMessage(), e);
      }
      throw new RecordFailure(refused, "table " + table + ": " + e.getMessage(), e);
    }
  }

  private boolean ensure(TableName table, DeclaredTable declared, Reason refused)
      throws RecordFailure {
    try {
      return provisioner.ensure(settings.name(), table, declared);
    } catch (ProvisionException e) {
      if (e.isTransient()) {
        throw new TablesUnavailableException(
            "cannot create or alter table " + table + ": " + e.getMessage(), e);
      }
      throw new RecordFailure(
          e.reason().orElse(refused), "table " + table + ": " + e.getMessage(), e);
    }
  }
}
