package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The declared schema of one record, as the table it describes: from the pipeline's JSON Schema
 * file (the same for every record), from the registry schema the record was written with, or from
 * the schema inside a Debezium envelope. Thread-safe.
 */
public interface RecordSchemas {
  /** A pipeline that declares no schema: nothing can be created or evolved from it. */
  RecordSchemas NONE = (record, value) -> Optional.empty();

  /**
   * The table {@code record} declares.
   *
   * @param value the record's decoded value (a change event's whole envelope for CDC)
   * @return empty when the pipeline declares no schema for its records, or this record declares
   *     none (a change event without its Connect schema, an Avro value the format refuses)
   * @throws DeclarationException (unchecked) when the declaration could not be read: transient when
   *     the registry could not be asked, else the record's fault (a change event's key, whose
   *     fields give the primary key, is unreadable)
   */
  Optional<DeclaredTable> of(ConsumerRecord<byte[], byte[]> record, JsonNode value);
}
