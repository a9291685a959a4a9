package dev.ferry.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a column's JSON values are to be read, declared per target under {@code column-formats}
 * ({@code payload: base64}, {@code seen_at: epoch-micros}, {@code local_ts: "zone:Europe/Berlin"}):
 * a reading the value alone cannot tell (is {@code "00ff"} hex or base64? is 1714564800 seconds or
 * milliseconds?). Which column types a declaration fits is checked when the table is described,
 * since only the table knows its column types.
 *
 * @param kind the declaration
 * @param zone the zone of {@link Kind#ZONE}; empty for every other kind
 */
public record ColumnFormat(Kind kind, Optional<ZoneId> zone) {
  /** The prefix of a zone declaration ({@code zone:Europe/Berlin}). */
  public static final String ZONE_PREFIX = "zone:";

  /** A declaration, with the Postgres base types ({@code typname}) it fits. */
  public enum Kind {
    /** A JSON string in base64 (RFC 4648 §4, padding optional). */
    BASE64("base64", "bytea"),
    /** A JSON string of hex digits, two per byte. */
    HEX("hex", "bytea"),
    /** A zone-less date-time text is a local time in {@link ColumnFormat#zone()}. */
    ZONE(ZONE_PREFIX + "Area/City", "timestamptz", "timestamp"),
    EPOCH_SECONDS("epoch-seconds", "timestamptz", "timestamp", "date"),
    EPOCH_MILLIS("epoch-millis", "timestamptz", "timestamp", "date"),
    EPOCH_MICROS("epoch-micros", "timestamptz", "timestamp", "date"),
    EPOCH_NANOS("epoch-nanos", "timestamptz", "timestamp", "date"),
    EPOCH_DAYS("epoch-days", "timestamptz", "timestamp", "date"),
    /** A number of seconds of the day, for a {@code time} column. */
    TIME_SECONDS("time-seconds", "time"),
    TIME_MILLIS("time-millis", "time"),
    TIME_MICROS("time-micros", "time"),
    TIME_NANOS("time-nanos", "time"),
    /** A number of seconds, for an {@code interval} column. */
    INTERVAL_SECONDS("interval-seconds", "interval"),
    INTERVAL_MILLIS("interval-millis", "interval"),
    INTERVAL_MICROS("interval-micros", "interval"),
    /** An ISO-8601 duration text ({@code P1Y2M3DT4H5M6.5S}), for an {@code interval} column. */
    ISO_8601("iso-8601", "interval");

    private final String label;
    private final Set<String> types;

    Kind(String label, String... types) {
      this.label = label;
      this.types = Set.of(types);
    }

    /** The declaration as written in the config ({@code zone:} with a placeholder zone). */
    public String label() {
      return label;
    }

    /** Whether a column whose base type is {@code typname} can be read this way. */
    public boolean fits(String typname) {
      return types.contains(typname);
    }

    /** The types it fits, for a message ({@code timestamptz, timestamp or date}). */
    public String typeNames() {
      String[] sorted = ORDER.stream().filter(types::contains).toArray(String[]::new);
      if (sorted.length == 1) {
        return sorted[0];
      }
      return String.join(", ", Arrays.copyOf(sorted, sorted.length - 1))
          + " or "
          + sorted[sorted.length - 1];
    }
  }

  /** The order in which {@link Kind#typeNames()} lists types. */
  private static final List<String> ORDER =
      List.of("bytea", "timestamptz", "timestamp", "date", "time", "interval");

  public ColumnFormat {
    if (zone.isPresent() != (kind == Kind.ZONE)) {
      throw new IllegalArgumentException("a zone goes with the zone declaration only");
    }
  }

  /** A declaration without a zone. */
  public static ColumnFormat of(Kind kind) {
    return new ColumnFormat(kind, Optional.empty());
  }

  /** Local times are in {@code zone}. */
  public static ColumnFormat zone(ZoneId zone) {
    return new ColumnFormat(Kind.ZONE, Optional.of(zone));
  }

  /**
   * Parses a declaration as written in the config.
   *
   * @throws IllegalArgumentException with a message that lists what is accepted
   */
  public static ColumnFormat parse(String text) {
    String t = text.trim();
    if (t.startsWith(ZONE_PREFIX)) {
      String id = t.substring(ZONE_PREFIX.length()).trim();
      try {
        return zone(ZoneId.of(id));
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "'"
                + id
                + "' is not a time zone: use an IANA zone id such as zone:Europe/Berlin, or an"
                + " offset such as zone:+02:00",
            e);
      }
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.ZONE && kind.label.equals(t.toLowerCase(Locale.ROOT))) {
        return of(kind);
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a column format: use "
            + Arrays.stream(Kind.values()).map(Kind::label).collect(Collectors.joining(", ")));
  }

  /** As written in the config: {@code base64}, {@code zone:Europe/Berlin} … */
  @Override
  public String toString() {
    return zone.map(z -> ZONE_PREFIX + z.getId()).orElse(kind.label);
  }

  /** The {@code column-formats} map of a target section, column to declaration, in file order. */
  static Map<String, ColumnFormat> read(Section s) {
    Map<String, ColumnFormat> formats = new LinkedHashMap<>();
    s.stringMap("column-formats")
        .forEach(
            (column, text) -> {
              String key = s.key("column-formats." + column);
              if (!TableName.isIdentifier(column)) {
                s.problem(key, "is not a plain column name (letters, digits and '_')");
              }
              try {
                formats.put(column, parse(text));
              } catch (IllegalArgumentException e) {
                s.problem(key, e.getMessage());
              }
            });
    return formats;
  }
}
