package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.FirstOrigin;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What a dead-letter record says about itself: where it came from, why it failed and how often it
 * was replayed. Read from Ferry's headers, from Kafka Connect's ({@code __connect.errors.*}) or
 * from Spring Kafka's ({@code kafka_dlt-*}, whose partition and offset are big-endian binary), so
 * that the DLTs of a team moving to Ferry can be replayed too.
 *
 * @param format {@code ferry}, {@code connect}, {@code spring} or {@code unknown}
 * @param reason Ferry's reason code; {@code connect-error} or {@code spring-error} for the others;
 *     {@code unknown} without one
 * @param failedAt when it failed; the record timestamp when no header says
 * @param replayCount {@code ferry.dlt.replay-count}, 0 without it
 * @param firstOrigin the original record it stands for: {@code ferry.dlt.origin.*}, or where the
 *     record was when it failed for dead letters without them (other tools', or Ferry's before
 *     version 0.4, exact for those never replayed); empty when the headers do not say
 */
public record DeadLetterInfo(
    String format,
    Optional<String> topic,
    Optional<Integer> partition,
    Optional<Long> offset,
    String reason,
    String stage,
    String pipeline,
    Instant failedAt,
    int replayCount,
    Optional<String> exceptionClass,
    Optional<String> message,
    Optional<FirstOrigin> firstOrigin) {

  static final String CONNECT = "__connect.errors.";
  static final String SPRING = "kafka_dlt-";

  /** The header prefixes of dead-letter diagnostics, which a replay does not carry over. */
  static boolean isDiagnostic(String header) {
    return header.startsWith(DeadLetterHeaders.PREFIX)
        || header.startsWith(CONNECT)
        || header.startsWith(SPRING);
  }

  /** Reads the headers of one dead-letter record. */
  public static DeadLetterInfo of(ConsumerRecord<byte[], byte[]> record) {
    DeadLetterInfo info = parse(record);
    Optional<FirstOrigin> first = FirstOrigin.ofDeadLetter(record.headers());
    if (first.isEmpty() && info.topic.isPresent() && info.partition.isPresent()) {
      first = info.offset.map(o -> new FirstOrigin(info.topic.get(), info.partition.get(), o));
    }
    return new DeadLetterInfo(
        info.format,
        info.topic,
        info.partition,
        info.offset,
        info.reason,
        info.stage,
        info.pipeline,
        info.failedAt,
        info.replayCount,
        info.exceptionClass,
        info.message,
        first);
  }

  private static DeadLetterInfo parse(ConsumerRecord<byte[], byte[]> record) {
    Headers h = record.headers();
    int replays = integer(text(h, DeadLetterHeaders.REPLAY_COUNT)).orElse(0);
    Instant recordTime = Instant.ofEpochMilli(Math.max(record.timestamp(), 0));
    if (h.lastHeader(DeadLetterHeaders.ORIGINAL_TOPIC) != null) {
      return new DeadLetterInfo(
          "ferry",
          text(h, DeadLetterHeaders.ORIGINAL_TOPIC),
          integer(text(h, DeadLetterHeaders.ORIGINAL_PARTITION)),
          text(h, DeadLetterHeaders.ORIGINAL_OFFSET).flatMap(DeadLetterInfo::longValue),
          text(h, DeadLetterHeaders.REASON).orElse("unknown"),
          text(h, DeadLetterHeaders.STAGE).orElse("unknown"),
          text(h, DeadLetterHeaders.PIPELINE).orElse("unknown"),
          text(h, DeadLetterHeaders.FAILED_AT).flatMap(DeadLetterInfo::instant).orElse(recordTime),
          replays,
          text(h, DeadLetterHeaders.EXCEPTION_CLASS),
          text(h, DeadLetterHeaders.EXCEPTION_MESSAGE),
          Optional.empty());
    }
    if (h.lastHeader(CONNECT + "topic") != null) {
      return new DeadLetterInfo(
          "connect",
          text(h, CONNECT + "topic"),
          integer(text(h, CONNECT + "partition")),
          text(h, CONNECT + "offset").flatMap(DeadLetterInfo::longValue),
          "connect-error",
          text(h, CONNECT + "stage")
              .map(s -> s.toLowerCase(java.util.Locale.ROOT))
              .orElse("unknown"),
          text(h, CONNECT + "connector.name").orElse("unknown"),
          recordTime,
          replays,
          text(h, CONNECT + "exception.class.name"),
          text(h, CONNECT + "exception.message"),
          Optional.empty());
    }
    if (h.lastHeader(SPRING + "original-topic") != null) {
      return new DeadLetterInfo(
          "spring",
          text(h, SPRING + "original-topic"),
          binary(h, SPRING + "original-partition", 4).map(b -> ByteBuffer.wrap(b).getInt()),
          binary(h, SPRING + "original-offset", 8).map(b -> ByteBuffer.wrap(b).getLong()),
          "spring-error",
          "unknown",
          text(h, SPRING + "original-consumer-group").orElse("unknown"),
          recordTime,
          replays,
          text(h, SPRING + "exception-fqcn"),
          text(h, SPRING + "exception-message"),
          Optional.empty());
    }
    return new DeadLetterInfo(
        "unknown",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "unknown",
        "unknown",
        "unknown",
        recordTime,
        replays,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** Where the record was before it failed, e.g. {@code events-3@1042}; "?" parts unknown. */
  public String origin() {
    return topic.orElse("?")
        + "-"
        + partition.map(String::valueOf).orElse("?")
        + "@"
        + offset.map(String::valueOf).orElse("?");
  }

  private static Optional<String> text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null
        ? Optional.empty()
        : Optional.of(new String(h.value(), UTF_8));
  }

  private static Optional<byte[]> binary(Headers headers, String name, int length) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null || h.value().length != length
        ? Optional.empty()
        : Optional.of(h.value());
  }

  private static Optional<Integer> integer(Optional<String> text) {
    try {
      return text.map(String::trim).map(Integer::valueOf);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> longValue(String text) {
    try {
      return Optional.of(Long.valueOf(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(Instant.parse(text.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
