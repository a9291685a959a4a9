package dev.ferry.ddl;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.RegistrySchema;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.SchemaSource;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Pipelines, registries and records for the ddl tests. */
final class TestSchemas {
  private TestSchemas() {}

  /** The one pipeline of a config whose pipelines section is {@code pipeline} (YAML, indented). */
  static PipelineSettings pipeline(String pipeline, String registryUrl) throws Exception {
    String yaml =
        "kafka: {bootstrap-servers: \"k:9092\", group-id: g}\n"
            + "database: {url: \"jdbc:postgresql://h/d\"}\n"
            + (registryUrl == null ? "" : "registry: {url: \"" + registryUrl + "\"}\n")
            + "pipelines:\n"
            + pipeline;
    return ConfigLoader.withEnvironment(Map.of()).parse(yaml, "test.yaml").pipelines().get(0);
  }

  /** A record with {@code key} and {@code value} bytes. */
  static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
    return new ConsumerRecord<>("t", 0, 0L, key, value);
  }

  /** The registry framing of schema {@code id} around an empty body. */
  static byte[] framed(int id) {
    return ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
  }

  /** A registry of Avro schemas by id, counting lookups; an absent id is unknown. */
  static final class Registry implements SchemaSource {
    final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    final AtomicInteger lookups = new AtomicInteger();
    volatile boolean down;

    @Override
    public RegistrySchema byId(int id) throws RecordFailure, RegistryUnavailableException {
      lookups.incrementAndGet();
      if (down) {
        throw new RegistryUnavailableException("registry down");
      }
      String text = schemas.get(id);
      if (text == null) {
        throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "no schema " + id);
      }
      return new RegistrySchema(id, "AVRO", text, List.of());
    }

    @Override
    public RegistrySchema byReference(RegistrySchema.Reference reference) throws RecordFailure {
      throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "no references here");
    }
  }
}
