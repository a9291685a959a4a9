package dev.ferry.config;

import java.util.Locale;

/**
 * How a pipeline with {@code envelope: debezium} applies change events.
 *
 * @param truncate what a truncate event ({@code op: t}) does
 * @param unknownFields what a field of the event's row that the target table has no column for does
 */
public record CdcSettings(Truncate truncate, UnknownFields unknownFields) {
  /** The defaults: truncates and unknown fields are dead-lettered. */
  public static final CdcSettings DEFAULTS =
      new CdcSettings(Truncate.DEAD_LETTER, UnknownFields.DEAD_LETTER);

  /** What a truncate event does. */
  public enum Truncate {
    /** Sent to the dead-letter topic, reason {@code truncate} (the default). */
    DEAD_LETTER,
    /** Deletes every row of the pipeline's table, unless the table reflects a newer change. */
    APPLY,
    /** Completed without a write, counted as skipped. */
    SKIP;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What a field of the change event's row that the table has no column for does. */
  public enum UnknownFields {
    /** The record goes to the dead-letter topic, reason {@code unknown-field} (the default). */
    DEAD_LETTER,
    /** The field is left out. */
    IGNORE;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
