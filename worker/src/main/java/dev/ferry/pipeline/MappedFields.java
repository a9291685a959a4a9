package dev.ferry.pipeline;

import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import dev.ferry.config.TargetSettings;
import dev.ferry.format.JsonFormat;
import dev.ferry.format.ValueFormat;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The top-level fields of a record value a pipeline's columns read, when nothing else needs the
 * whole value: a JSON value format, no JSON Schema, no transform, no Debezium envelope and no
 * column of the whole value ({@code ""}). Such a pipeline decodes only those fields.
 */
final class MappedFields {
  private MappedFields() {}

  /** The format that reads what {@code settings} maps: {@code format} itself when it needs all. */
  static ValueFormat reader(PipelineSettings settings, ValueFormat format) {
    if (format instanceof JsonFormat json && settings.format() == RecordFormat.JSON) {
      return of(settings).<ValueFormat>map(json::onlyFields).orElse(format);
    }
    return format;
  }

  /** The first segment of each value pointer and each by-name field; empty when all is needed. */
  static Optional<Set<String>> of(PipelineSettings settings) {
    if (settings.schema().isPresent()
        || settings.transform().isPresent()
        || settings.cdc().isPresent()
        || settings.routed()) {
      return Optional.empty(); // a routed value may be read by a {field:…} of the template
    }
    Set<String> fields = new HashSet<>();
    for (TargetSettings target : settings.allTargets()) {
      if (target.columnsByName()) {
        return Optional.empty(); // every field may be some column's
      }
      for (ColumnSource source : target.columns().values()) {
        if (source instanceof ColumnSource.ValuePointer p) {
          if (p.pointer().matches()) {
            return Optional.empty(); // the whole value
          }
          fields.add(p.pointer().getMatchingProperty());
        } else if (source instanceof ColumnSource.Field f) {
          fields.add(f.name());
        }
      }
    }
    return Optional.of(fields);
  }
}
