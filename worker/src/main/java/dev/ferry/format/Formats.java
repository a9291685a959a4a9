package dev.ferry.format;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import java.util.Optional;

/**
 * A pipeline's formats: how it reads values, and how it reads keys when its {@code key-format} is a
 * registry one (empty: keys are UTF-8 text, or a JSON object when they read as one).
 *
 * @param value reads every record value
 * @param key reads a record key into an object, for key columns, {@code @key/…} and deletes
 */
public record Formats(ValueFormat value, Optional<ValueFormat> key) {
  /** JSON values and text keys: what a pipeline without {@code format} settings reads. */
  public static final Formats JSON = new Formats(new JsonFormat(), Optional.empty());

  /**
   * The formats {@code pipeline} names.
   *
   * @param registry the registry client; present whenever a pipeline names a registry format (the
   *     config refuses one without a {@code registry} section)
   */
  public static Formats of(PipelineSettings pipeline, Optional<SchemaSource> registry) {
    ValueFormat value =
        pipeline.format() == RecordFormat.AVRO && pipeline.cdc().isPresent()
            // Debezium's Avro converter: the envelope comes out in the JSON converter's form, with
            // the Connect schema rebuilt from the Avro one, for the change-event path.
            ? AvroFormat.forChangeEvents(needed(registry, pipeline.format()))
            : format(pipeline.format(), registry);
    Optional<ValueFormat> key =
        pipeline.keyFormat().usesRegistry()
            ? Optional.of(format(pipeline.keyFormat(), registry))
            : Optional.empty();
    return new Formats(value, key);
  }

  private static ValueFormat format(RecordFormat format, Optional<SchemaSource> registry) {
    return switch (format) {
      case JSON, TEXT -> new JsonFormat();
      case AVRO -> new AvroFormat(needed(registry, format));
      case PROTOBUF -> new ProtobufFormat(needed(registry, format));
    };
  }

  private static SchemaSource needed(Optional<SchemaSource> registry, RecordFormat format) {
    return registry.orElseThrow(
        () -> new IllegalArgumentException(format.label() + " needs the registry section"));
  }
}
