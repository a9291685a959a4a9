package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.AvroSchemas;
import dev.ferry.format.Framing;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.SchemaSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The declared tables of a plain Avro pipeline: the writer's schema of each record's schema id,
 * read once per id (an id never changes its schema) and kept. Thread-safe.
 */
final class AvroRecords implements RecordSchemas {
  private final SchemaSource source;
  private final List<String> keyColumns;
  private final ConcurrentMap<Integer, Optional<DeclaredTable>> byId = new ConcurrentHashMap<>();

  AvroRecords(SchemaSource source, List<String> keyColumns) {
    this.source = source;
    this.keyColumns = List.copyOf(keyColumns);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty for a value without the registry framing, of an id the registry does not know, or
   * whose schema is not an Avro record: the pipeline refuses such a record when it decodes it.
   *
   * @throws DeclarationException transient, when the registry could not be asked
   */
  @Override
  public Optional<DeclaredTable> of(ConsumerRecord<byte[], byte[]> record, JsonNode value) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      int id = Framing.read(record.value()).schemaId();
      Optional<DeclaredTable> table = byId.get(id);
      if (table == null) {
        table = AvroTables.of(AvroSchemas.parse(source.byId(id), source), keyColumns);
        byId.putIfAbsent(id, table);
      }
      return table;
    } catch (RecordFailure e) {
      return Optional.empty();
    } catch (RegistryUnavailableException e) {
      throw new DeclarationException(
          "the writer's schema could not be fetched: " + e.getMessage(), true, e);
    }
  }
}
