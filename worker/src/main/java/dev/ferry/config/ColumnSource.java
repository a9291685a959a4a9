package dev.ferry.config;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.Optional;

/**
 * Where a column's value comes from: a JSON Pointer into the record value ({@code /user_id}), the
 * record key ({@code @key}, or {@code @key/id} into a JSON key), or the record's metadata ({@code
 * @topic}, {@code @partition}, {@code @offset}, {@code @timestamp}, {@code @header:NAME}).
 */
public sealed interface ColumnSource {
  /** The source as written in the config. */
  String text();

  /** A JSON Pointer into the record value. */
  record ValuePointer(String text, JsonPointer pointer) implements ColumnSource {
    @Override
    public String toString() {
      return text;
    }
  }

  /** The record key as text, or a JSON Pointer into a JSON key. */
  record Key(String text, Optional<JsonPointer> pointer) implements ColumnSource {
    @Override
    public String toString() {
      return text;
    }
  }

  /** A field of the record's coordinates. */
  record Metadata(String text, Field field) implements ColumnSource {
    /** Which field. */
    public enum Field {
      TOPIC,
      PARTITION,
      OFFSET,
      TIMESTAMP
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * The field of this name in a change event's row image ({@code after}, or {@code before} for a
   * delete): the source of a column mapped by name, never written in the config.
   */
  record Field(String text, String name) implements ColumnSource {
    public static Field of(String column) {
      return new Field("(by name) " + column, column);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** The UTF-8 text of the record's last header of this name. */
  record Header(String text, String name) implements ColumnSource {
    @Override
    public String toString() {
      return text;
    }
  }

  /**
   * Parses a source.
   *
   * @throws IllegalArgumentException with a message that says what is accepted
   */
  static ColumnSource parse(String text) {
    if (!text.startsWith("@")) {
      try {
        return new ValuePointer(text, ConfigLoader.strictPointer(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a valid JSON Pointer (RFC 6901: empty, or '/' followed by field names,"
                + " e.g. /user_id)",
            e);
      }
    }
    switch (text) {
      case "@key":
        return new Key(text, Optional.empty());
      case "@topic":
        return new Metadata(text, Metadata.Field.TOPIC);
      case "@partition":
        return new Metadata(text, Metadata.Field.PARTITION);
      case "@offset":
        return new Metadata(text, Metadata.Field.OFFSET);
      case "@timestamp":
        return new Metadata(text, Metadata.Field.TIMESTAMP);
      default:
        break;
    }
    if (text.startsWith("@key/")) {
      try {
        return new Key(text, Optional.of(ConfigLoader.strictPointer(text.substring(4))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + text + "' has no valid JSON Pointer after @key (e.g. @key/id)", e);
      }
    }
    if (text.startsWith("@header:") && text.length() > "@header:".length()) {
      return new Header(text, text.substring("@header:".length()));
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a column source: use a JSON Pointer into the value (/field), @key,"
            + " @key/pointer, @topic, @partition, @offset, @timestamp or @header:NAME");
  }
}
