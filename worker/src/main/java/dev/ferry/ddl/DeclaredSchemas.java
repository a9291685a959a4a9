package dev.ferry.ddl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import dev.ferry.format.Formats;
import dev.ferry.format.SchemaSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link RecordSchemas} of a pipeline, from what it declares: its change events' Connect schema
 * ({@code envelope: debezium}), else its JSON Schema file ({@code schema}), else the registry's
 * Avro schemas ({@code format: avro}); with the columns the pipeline maps from record metadata
 * appended ({@link MetadataColumns}). Protobuf is not read yet (the config refuses {@code
 * auto-create} and {@code evolve} with it).
 */
public final class DeclaredSchemas {
  private DeclaredSchemas() {}

  /**
   * The declarations of {@code pipeline}'s records; {@link RecordSchemas#NONE} when it neither
   * creates nor evolves tables, or declares nothing.
   *
   * @param registry the registry client; present whenever the pipeline names a registry format
   * @throws IllegalArgumentException when the JSON Schema file cannot be read, or declares no
   *     object properties
   */
  public static RecordSchemas forPipeline(
      PipelineSettings pipeline, Optional<SchemaSource> registry) {
    if (!pipeline.autoCreate() && !pipeline.evolve()) {
      return RecordSchemas.NONE;
    }
    return MetadataColumns.appendedTo(
        declared(pipeline, registry), MetadataColumns.of(pipeline.columns()));
  }

  private static RecordSchemas declared(
      PipelineSettings pipeline, Optional<SchemaSource> registry) {
    if (pipeline.cdc().isPresent()) {
      return new DebeziumRecords(pipeline.keyColumns(), Formats.of(pipeline, registry).key());
    }
    if (pipeline.schema().isPresent()) {
      DeclaredTable table =
          JsonSchemaTables.of(read(Path.of(pipeline.schema().get())), pipeline.keyColumns());
      return (record, value) -> Optional.of(table);
    }
    if (pipeline.format() == RecordFormat.AVRO && registry.isPresent()) {
      return new AvroRecords(registry.get(), pipeline.keyColumns());
    }
    return RecordSchemas.NONE;
  }

  private static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read JSON Schema " + file + ": " + e, e);
    }
  }
}
