package dev.ferry.format;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link SchemaSource} over schemas added by the test, counting how often it is asked. */
final class ProtoTestSchemas implements SchemaSource {
  private final Map<Integer, RegistrySchema> byId = new HashMap<>();
  private final Map<RegistrySchema.Reference, RegistrySchema> byReference = new HashMap<>();
  final AtomicInteger lookups = new AtomicInteger();

  ProtoTestSchemas protobuf(int id, String text, RegistrySchema.Reference... references) {
    byId.put(id, new RegistrySchema(id, "PROTOBUF", text, List.of(references)));
    return this;
  }

  ProtoTestSchemas add(RegistrySchema schema) {
    byId.put(schema.id(), schema);
    return this;
  }

  ProtoTestSchemas referenced(RegistrySchema.Reference reference, int id, String text) {
    byReference.put(reference, new RegistrySchema(id, "PROTOBUF", text, List.of()));
    return this;
  }

  @Override
  public RegistrySchema byId(int id) throws RecordFailure {
    lookups.incrementAndGet();
    RegistrySchema schema = byId.get(id);
    if (schema == null) {
      throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "no schema " + id);
    }
    return schema;
  }

  @Override
  public RegistrySchema byReference(RegistrySchema.Reference reference) throws RecordFailure {
    lookups.incrementAndGet();
    RegistrySchema schema = byReference.get(reference);
    if (schema == null) {
      throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "no reference " + reference);
    }
    return schema;
  }
}
