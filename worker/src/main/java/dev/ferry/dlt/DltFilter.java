package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Which dead letters a {@code ferry dlt} command looks at. Every part is optional; all given parts
 * must match. Times compare with when the record failed. Immutable.
 */
public record DltFilter(
    Optional<String> reason,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<String> key,
    Optional<Long> fromOffset,
    Optional<Long> toOffset) {

  private static final Pattern AGO = Pattern.compile("(\\d+)(s|m|h|d)");

  public static final DltFilter ALL =
      new DltFilter(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /**
   * Builds a filter from command-line text, checking it whole.
   *
   * @throws IllegalArgumentException naming every bad part
   */
  public static DltFilter parse(
      String reason,
      String since,
      String until,
      String key,
      Long fromOffset,
      Long toOffset,
      Clock clock) {
    List<String> problems = new ArrayList<>();
    DltFilter filter = parse(reason, since, until, key, fromOffset, toOffset, clock, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return filter;
  }

  /**
   * Builds a filter from command-line text, adding every bad part to {@code problems}; the filter
   * returned is only meaningful when none was added.
   */
  public static DltFilter parse(
      String reason,
      String since,
      String until,
      String key,
      Long fromOffset,
      Long toOffset,
      Clock clock,
      List<String> problems) {
    Optional<Instant> from = time("--since", since, clock, problems);
    Optional<Instant> to = time("--until", until, clock, problems);
    if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
      problems.add("--since " + since + " is after --until " + until);
    }
    if (fromOffset != null && fromOffset < 0) {
      problems.add("--from-offset must be 0 or more, was " + fromOffset);
    }
    if (toOffset != null && toOffset < 0) {
      problems.add("--to-offset must be 0 or more, was " + toOffset);
    }
    if (fromOffset != null && toOffset != null && fromOffset > toOffset) {
      problems.add("--from-offset " + fromOffset + " is above --to-offset " + toOffset);
    }
    if (reason != null && reason.isBlank()) {
      problems.add("--reason is empty");
    }
    return new DltFilter(
        Optional.ofNullable(reason),
        from,
        to,
        Optional.ofNullable(key),
        Optional.ofNullable(fromOffset),
        Optional.ofNullable(toOffset));
  }

  /**
   * An ISO-8601 instant ({@code 2026-11-25T10:00:00Z}), date-time with an offset, date-time or date
   * (taken as UTC), or an age ({@code 30m}, {@code 2h}, {@code 7d}: that long ago).
   */
  private static Optional<Instant> time(
      String option, String text, Clock clock, List<String> problems) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    Matcher ago = AGO.matcher(t);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration d =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return Optional.of(clock.instant().minus(d));
    }
    try {
      return Optional.of(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException notOffset) {
      try {
        return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException notLocal) {
        try {
          return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notDate) {
          problems.add(
              option
                  + " '"
                  + text
                  + "' is not a time: use 2026-11-25T10:00:00Z, 2026-11-25 (UTC) or an age such"
                  + " as 30m, 2h, 7d");
          return Optional.empty();
        }
      }
    }
  }

  /** Whether the record at its offset, with what its headers say, is selected. */
  public boolean matches(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info) {
    if (fromOffset.isPresent() && record.offset() < fromOffset.get()) {
      return false;
    }
    if (toOffset.isPresent() && record.offset() > toOffset.get()) {
      return false;
    }
    if (reason.isPresent() && !reason.get().equals(info.reason())) {
      return false;
    }
    if (since.isPresent() && info.failedAt().isBefore(since.get())) {
      return false;
    }
    if (until.isPresent() && info.failedAt().isAfter(until.get())) {
      return false;
    }
    return key.isEmpty()
        || (record.key() != null && key.get().equals(new String(record.key(), UTF_8)));
  }

  /** The filter as the audit trail and the summary show it. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    reason.ifPresent(r -> parts.add("reason=" + r));
    since.ifPresent(s -> parts.add("since=" + s));
    until.ifPresent(u -> parts.add("until=" + u));
    key.ifPresent(k -> parts.add("key=" + k));
    fromOffset.ifPresent(o -> parts.add("from-offset=" + o));
    toOffset.ifPresent(o -> parts.add("to-offset=" + o));
    return parts.isEmpty() ? "all" : String.join(" ", parts);
  }
}
