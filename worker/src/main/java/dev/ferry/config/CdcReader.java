package dev.ferry.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a pipeline's change-event settings: {@code envelope}, and with {@code envelope: debezium}
 * the {@code truncate} and {@code unknown-fields} settings and the pipeline's own table, whose
 * columns map by name from each event's row unless listed, and whose key columns default to the
 * table's primary key. Settings that only make sense for plain values (a JSON Schema, a transform,
 * {@code mode: insert}, a tombstone policy, a version column) are refused with the reason.
 */
final class CdcReader {
  private CdcReader() {}

  /** The change-event settings of pipeline section {@code s}; empty for plain values. */
  static Optional<CdcSettings> read(Section s) {
    String envelope = s.string("envelope", "plain").trim().toLowerCase(Locale.ROOT);
    if (envelope.equals("plain")) {
      for (String key : List.of("truncate")) {
        if (s.optionalString(key).isPresent()) {
          s.problem(s.key(key), "applies to change events only: set envelope: debezium");
        }
      }
      return Optional.empty();
    }
    if (!envelope.equals("debezium")) {
      s.problem(s.key("envelope"), "must be plain or debezium, was '" + envelope + "'");
      return Optional.empty();
    }
    refuse(s, "schema", "a JSON Schema would see the change event, not the row: leave it out");
    refuse(s, "transform", "a transform reads plain values: a change event pipeline has none");
    refuse(s, "version-column", "change events are ordered by their source position already");
    refuse(
        s,
        "tombstones",
        "the tombstone after a delete event is always skipped: the delete event deletes");
    String mode = s.string("mode", "upsert").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("upsert")) {
      s.problem(s.key("mode"), "must be upsert with envelope: debezium, was '" + mode + "'");
    }
    return Optional.of(
        new CdcSettings(
            choice(s, "truncate", CdcSettings.Truncate.DEAD_LETTER, CdcSettings.Truncate.values()),
            choice(
                s,
                "unknown-fields",
                CdcSettings.UnknownFields.DEAD_LETTER,
                CdcSettings.UnknownFields.values())));
  }

  /**
   * The pipeline's own table for change events: the listed columns (JSON Pointers into the event),
   * every other column by name, upserted by the listed key columns or the table's primary key.
   */
  static TargetSettings target(Section s, TableName table) {
    return new TargetSettings(
        table,
        PipelineSettings.Mode.UPSERT,
        s.stringList("key-columns"),
        PipelineReader.columns(s, false),
        true,
        Optional.empty());
  }

  private static void refuse(Section s, String key, String why) {
    if (s.optionalString(key).isPresent()) {
      s.problem(s.key(key), "is not allowed with envelope: debezium: " + why);
    }
  }

  private static <E extends Enum<E>> E choice(Section s, String key, E fallback, E[] values) {
    String text = s.string(key, fallback.name()).trim();
    for (E value : values) {
      if (value.name().equalsIgnoreCase(text.replace('-', '_'))) {
        return value;
      }
    }
    List<String> names =
        java.util.Arrays.stream(values)
            .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .toList();
    s.problem(s.key(key), "must be one of " + String.join(", ", names) + ", was '" + text + "'");
    return fallback;
  }
}
