package dev.ferry.dispatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.source.PartitionState;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LanesTest {
  private final PartitionState partition = new PartitionState(new TopicPartition("t", 0));

  private static ConsumerRecord<byte[], byte[]> record(String key, long offset) {
    return new ConsumerRecord<>(
        "t", 0, offset, key == null ? null : key.getBytes(UTF_8), new byte[0]);
  }

  @Test
  void oneKeyAlwaysMeetsTheSameLaneInOffsetOrder() throws Exception {
    Lanes lanes = new Lanes(4, 100);
    for (long o = 0; o < 20; o++) {
      lanes.handle(record("user-" + (o % 5), o), partition);
    }
    for (int i = 0; i < lanes.count(); i++) {
      List<WorkItem> batch = lanes.lane(i).takeBatch(100, Duration.ZERO, Duration.ofMillis(1));
      for (int k = 0; k < 5; k++) {
        String key = "user-" + k;
        List<Long> offsets =
            batch.stream()
                .filter(w -> new String(w.record().key(), UTF_8).equals(key))
                .map(w -> w.record().offset())
                .toList();
        assertThat(offsets).isSorted();
      }
    }
    assertThat(lanes.laneOf(record("user-3", 0))).isEqualTo(lanes.laneOf(record("user-3", 99)));
  }

  @Test
  void keysSpreadOverLanesEvenOnOnePartition() {
    Lanes lanes = new Lanes(4, 10_000);
    for (long o = 0; o < 1000; o++) {
      lanes.handle(record("user-" + o, o), partition);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(lanes.depth(i)).isBetween(150, 350);
    }
  }

  @Test
  void roomEndsAtCapacityAndReturnsOnRelease() {
    Lanes lanes = new Lanes(2, 3);
    lanes.handle(record("a", 0), partition);
    lanes.handle(record(null, 1), partition);
    assertThat(lanes.hasRoom()).isTrue();
    lanes.handle(record("b", 2), partition);
    assertThat(lanes.hasRoom()).isFalse();
    assertThat(lanes.inMemory()).isEqualTo(3);
    lanes.release(1);
    assertThat(lanes.hasRoom()).isTrue();
    assertThat(lanes.peakInMemory()).isEqualTo(3);
  }

  @Test
  void batchIsCappedAtItsSize() throws Exception {
    Lanes lanes = new Lanes(1, 100);
    for (long o = 0; o < 10; o++) {
      lanes.handle(record("k", o), partition);
    }
    assertThat(lanes.lane(0).takeBatch(4, Duration.ofMillis(50), Duration.ofMillis(1))).hasSize(4);
    assertThat(lanes.lane(0).takeBatch(100, Duration.ZERO, Duration.ofMillis(1))).hasSize(6);
    assertThat(lanes.lane(0).takeBatch(100, Duration.ZERO, Duration.ofMillis(1))).isEmpty();
  }
}
