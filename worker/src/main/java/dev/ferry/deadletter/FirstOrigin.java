package dev.ferry.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where an original record first was: the input topic, partition and offset at which it was read
 * before it ever failed. A dead letter keeps it in {@code ferry.dlt.origin.*} however often the
 * record was replayed and failed again, and a replayed copy carries it in {@code
 * ferry.replay.origin.*}, so that the worker applies one original record once (guarantee 9).
 * Immutable.
 */
public record FirstOrigin(String topic, int partition, long offset) {
  /** On dead letters: the first origin, carried over unchanged when a copy fails again. */
  public static final String DLT_TOPIC = DeadLetterHeaders.PREFIX + "origin.topic";

  public static final String DLT_PARTITION = DeadLetterHeaders.PREFIX + "origin.partition";
  public static final String DLT_OFFSET = DeadLetterHeaders.PREFIX + "origin.offset";

  /** The prefix of the headers {@code ferry dlt replay} puts on the copies it produces. */
  public static final String REPLAY_PREFIX = "ferry.replay.";

  /** On replayed copies: the first origin of the record they copy. */
  public static final String REPLAY_TOPIC = REPLAY_PREFIX + "origin.topic";

  public static final String REPLAY_PARTITION = REPLAY_PREFIX + "origin.partition";
  public static final String REPLAY_OFFSET = REPLAY_PREFIX + "origin.offset";

  /** On replayed copies: the name of the replay that produced them (for the audit trail). */
  public static final String REPLAY_NAME = REPLAY_PREFIX + "name";

  /**
   * On replayed copies, {@code true} when the operator asked to apply the record again although its
   * origin was applied before ({@code ferry dlt replay --reapply}); absent otherwise.
   */
  public static final String REPLAY_REAPPLY = REPLAY_PREFIX + "reapply";

  /** {@code topic-partition@offset}, as the DLT tools print origins. */
  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }

  /** The first origin a dead letter records, if it has all three headers. */
  public static Optional<FirstOrigin> ofDeadLetter(Headers headers) {
    return read(headers, DLT_TOPIC, DLT_PARTITION, DLT_OFFSET);
  }

  /** The first origin a replayed copy carries, if it has all three headers. */
  public static Optional<FirstOrigin> ofReplayedCopy(Headers headers) {
    if (headers.lastHeader(REPLAY_TOPIC) == null) {
      return Optional.empty(); // the hot path: a record that is no replay
    }
    return read(headers, REPLAY_TOPIC, REPLAY_PARTITION, REPLAY_OFFSET);
  }

  /** Whether a replayed copy asks to be applied even if its origin was applied before. */
  public static boolean reapply(Headers headers) {
    return "true".equals(text(headers, REPLAY_REAPPLY));
  }

  private static Optional<FirstOrigin> read(
      Headers headers, String topicKey, String partitionKey, String offsetKey) {
    String topic = text(headers, topicKey);
    String partition = text(headers, partitionKey);
    String offset = text(headers, offsetKey);
    if (topic == null || partition == null || offset == null || topic.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new FirstOrigin(
              topic, Integer.parseInt(partition.trim()), Long.parseLong(offset.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty(); // not written by Ferry: treated as no origin
    }
  }

  private static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
  }
}
