package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cdc.DebeziumKey;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.ValueFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The declared tables of a change-event pipeline: the {@code after} struct of each event's Connect
 * schema (JSON events with schemas on, and Avro events, which the format hands over in the same
 * wrapper), with the record key's fields as the primary key unless the pipeline lists {@code
 * key-columns}. The columns are kept per schema (equal schemas share one entry, so a topic's events
 * cost one lookup each), at most {@value #MAX_SCHEMAS} schemas. Thread-safe.
 */
final class DebeziumRecords implements RecordSchemas {
  static final int MAX_SCHEMAS = 256;

  private final List<String> keyColumns;
  private final Optional<ValueFormat> keyFormat;
  private final ConcurrentMap<JsonNode, Optional<List<DeclaredColumn>>> bySchema =
      new ConcurrentHashMap<>();

  /**
   * @param keyColumns the pipeline's {@code key-columns}; empty: the record key's fields
   * @param keyFormat reads registry-framed keys; empty: keys are JSON
   */
  DebeziumRecords(List<String> keyColumns, Optional<ValueFormat> keyFormat) {
    this.keyColumns = List.copyOf(keyColumns);
    this.keyFormat = keyFormat;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty for an event without its Connect schema (schemas off: no types are declared), or whose
   * schema has no {@code after} struct.
   *
   * @throws DeclarationException when the record key (whose fields give the primary key) cannot be
   *     read: transient when the registry could not be asked
   */
  @Override
  public Optional<DeclaredTable> of(ConsumerRecord<byte[], byte[]> record, JsonNode value) {
    if (value == null
        || value.size() != 2
        || !value.has("payload")
        || !value.path("schema").isObject()) {
      return Optional.empty();
    }
    JsonNode schema = value.get("schema");
    Optional<List<DeclaredColumn>> columns = bySchema.get(schema);
    if (columns == null) {
      columns = ConnectTables.columns(schema);
      if (bySchema.size() >= MAX_SCHEMAS) {
        bySchema.clear(); // many schema versions: start over rather than grow without bound
      }
      bySchema.putIfAbsent(schema, columns);
    }
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    List<String> keys = keyColumns.isEmpty() ? keyFields(record.key()) : keyColumns;
    return Optional.of(new DeclaredTable(columns.get(), keys));
  }

  private List<String> keyFields(byte[] key) {
    try {
      DebeziumKey read =
          keyFormat.isPresent() && key != null && key.length > 0
              ? DebeziumKey.of(keyFormat.get().decode(key))
              : DebeziumKey.read(key);
      List<String> names = new ArrayList<>();
      read.fields().fieldNames().forEachRemaining(names::add);
      return names;
    } catch (RecordFailure e) {
      throw new DeclarationException(
          "the record key, whose fields are the primary key, cannot be read: " + e.getMessage(),
          false,
          e);
    } catch (RegistryUnavailableException e) {
      throw new DeclarationException(
          "the record key's schema could not be fetched: " + e.getMessage(), true, e);
    }
  }
}
