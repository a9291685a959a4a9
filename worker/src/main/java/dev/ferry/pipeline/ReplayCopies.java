package dev.ferry.pipeline;

import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.sink.Origin;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads what a replayed copy of a dead letter says about the original record it stands for. */
final class ReplayCopies {
  private ReplayCopies() {}

  /** The original record a replayed copy stands for; empty for any other record. */
  static Optional<Origin.ReplayOf> replayOf(ConsumerRecord<byte[], byte[]> record) {
    Optional<FirstOrigin> first = FirstOrigin.ofReplayedCopy(record.headers());
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Header name = record.headers().lastHeader(FirstOrigin.REPLAY_NAME);
    return Optional.of(
        new Origin.ReplayOf(
            first.get().topic(),
            first.get().partition(),
            first.get().offset(),
            FirstOrigin.reapply(record.headers()),
            Optional.ofNullable(name)
                .map(Header::value)
                .map(v -> new String(v, java.nio.charset.StandardCharsets.UTF_8))));
  }
}
