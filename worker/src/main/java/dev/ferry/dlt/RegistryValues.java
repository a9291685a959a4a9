package dev.ferry.dlt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.format.Framing;
import dev.ferry.format.RegistryClient;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.SchemaSource;
import dev.ferry.format.ValueFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes the values of registry-framed dead letters for {@code ferry dlt list}, with the format of
 * the pipeline that dead-lettered them and the registry of the config. A value that is not framed,
 * or of a pipeline without a registry format, is left raw; one that cannot be decoded (the registry
 * unreachable, an unknown id, a bad body) keeps its schema id and says why. Thread-safe.
 */
public final class RegistryValues {
  /** No pipeline with a registry format: every value stays raw. */
  public static final RegistryValues NONE = new RegistryValues(Map.of());

  /**
   * A registry-framed value.
   *
   * @param schemaId the framing's schema id
   * @param json the decoded value, when it could be decoded
   * @param why why it could not be, otherwise
   */
  public record Decoded(int schemaId, Optional<ObjectNode> json, Optional<String> why) {}

  private final Map<String, ValueFormat> byPipeline;

  RegistryValues(Map<String, ValueFormat> byPipeline) {
    this.byPipeline = Map.copyOf(byPipeline);
  }

  /** The value formats of the config's registry-format pipelines, sharing one registry client. */
  public static RegistryValues of(FerryConfig config) {
    if (config.registry().isEmpty()) {
      return NONE;
    }
    Optional<SchemaSource> registry = Optional.of(new RegistryClient(config.registry().get()));
    Map<String, ValueFormat> formats = new HashMap<>();
    for (PipelineSettings p : config.pipelines()) {
      if (p.format().usesRegistry()) {
        formats.put(p.name(), Formats.of(p, registry).value());
      }
    }
    return new RegistryValues(formats);
  }

  /** The decoded value, when {@code value} is registry-framed and its pipeline reads that way. */
  Optional<Decoded> decode(String pipeline, byte[] value) {
    ValueFormat format = byPipeline.get(pipeline);
    if (format == null || value == null) {
      return Optional.empty();
    }
    int schemaId;
    try {
      schemaId = Framing.read(value).schemaId();
    } catch (RecordFailure e) {
      return Optional.empty(); // not framed: shown raw
    }
    try {
      return Optional.of(
          new Decoded(schemaId, Optional.of(format.decode(value)), Optional.empty()));
    } catch (RecordFailure | RegistryUnavailableException | RuntimeException e) {
      return Optional.of(new Decoded(schemaId, Optional.empty(), Optional.of(e.getMessage())));
    }
  }
}
