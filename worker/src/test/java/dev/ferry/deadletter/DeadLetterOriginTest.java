package dev.ferry.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.DeadLetterSettings;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.Reason;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** A dead letter names the original record it stands for, however often that was replayed. */
class DeadLetterOriginTest {
  private final DeadLetterPublisher publisher =
      new DeadLetterPublisher(
          new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
          new DeadLetterSettings(
              "{topic}.dlt",
              false,
              new DeadLetterSettings.Breaker(false, 100, 0.5, 100),
              Duration.ofSeconds(5)),
          "g",
          new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new Random(1)),
          new StopSignal(),
          Clock.systemUTC(),
          Duration.ofSeconds(5),
          new Readiness());

  private ProducerRecord<byte[], byte[]> deadLetterOf(ConsumerRecord<byte[], byte[]> record) {
    return publisher.toRecord(
        new DeadLetter(record, "events", Reason.CHECK_VIOLATION, new Exception("x"), 1));
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  @Test
  void aRecordThatFailsTheFirstTimeIsItsOwnOrigin() {
    ProducerRecord<byte[], byte[]> letter =
        deadLetterOf(new ConsumerRecord<>("events", 2, 41, null, "v".getBytes(UTF_8)));

    assertThat(header(letter, FirstOrigin.DLT_TOPIC)).isEqualTo("events");
    assertThat(header(letter, FirstOrigin.DLT_PARTITION)).isEqualTo("2");
    assertThat(header(letter, FirstOrigin.DLT_OFFSET)).isEqualTo("41");
  }

  @Test
  void aReplayedCopyThatFailsAgainKeepsTheFirstOriginAndDropsTheReplayHeaders() {
    ConsumerRecord<byte[], byte[]> copy =
        new ConsumerRecord<>("events", 0, 900, null, "v".getBytes(UTF_8));
    copy.headers()
        .add(FirstOrigin.REPLAY_TOPIC, "events".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_PARTITION, "2".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_OFFSET, "41".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_NAME, "fix-1".getBytes(UTF_8))
        .add(FirstOrigin.REPLAY_REAPPLY, "true".getBytes(UTF_8))
        .add(DeadLetterHeaders.REPLAY_COUNT, "1".getBytes(UTF_8));

    ProducerRecord<byte[], byte[]> letter = deadLetterOf(copy);

    assertThat(header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("900");
    assertThat(header(letter, FirstOrigin.DLT_PARTITION)).isEqualTo("2");
    assertThat(header(letter, FirstOrigin.DLT_OFFSET)).isEqualTo("41");
    assertThat(header(letter, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("1");
    for (Header h : letter.headers()) {
      assertThat(h.key()).doesNotStartWith(FirstOrigin.REPLAY_PREFIX);
    }
  }
}
