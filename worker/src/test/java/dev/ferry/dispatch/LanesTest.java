package dev.ferry.dispatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.source.PartitionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
    Map<String, Set<Integer>> lanesOfKey = new TreeMap<>();
    Map<String, List<Long>> offsetsOfKey = new TreeMap<>();
    for (int i = 0; i < lanes.count(); i++) {
      for (WorkItem w : lanes.lane(i).takeBatch(100, Duration.ZERO, Duration.ofMillis(1))) {
        String key = new String(w.record().key(), UTF_8);
        lanesOfKey.computeIfAbsent(key, k -> new TreeSet<>()).add(i);
        offsetsOfKey.computeIfAbsent(key, k -> new ArrayList<>()).add(w.record().offset());
      }
    }
    assertThat(lanesOfKey).hasSize(5);
    for (long k = 0; k < 5; k++) {
      String key = "user-" + k;
      assertThat(lanesOfKey.get(key)).as("the lanes %s met", key).hasSize(1);
      assertThat(offsetsOfKey.get(key))
          .as("the offsets of %s, as its lane hands them out", key)
          .containsExactly(k, k + 5, k + 10, k + 15);
    }
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
  void roomEndsAtCapacityAndReturnsOnRelease() throws Exception {
    Lanes lanes = new Lanes(2, 3);
    lanes.handle(record("a", 0), partition);
    lanes.handle(record(null, 1), partition);
    assertThat(lanes.hasRoom()).isTrue();
    lanes.handle(record("b", 2), partition);
    assertThat(lanes.hasRoom()).isFalse();
    assertThat(lanes.inMemory()).isEqualTo(3);
    lanes.release(takeOne(lanes));
    assertThat(lanes.hasRoom()).isTrue();
    assertThat(lanes.peakInMemory()).isEqualTo(3);
  }

  /** Takes one record from the first lane that has one, as its worker would. */
  private static List<WorkItem> takeOne(Lanes lanes) throws InterruptedException {
    for (int i = 0; i < lanes.count(); i++) {
      List<WorkItem> batch = lanes.lane(i).takeBatch(1, Duration.ZERO, Duration.ZERO);
      if (!batch.isEmpty()) {
        return batch;
      }
    }
    throw new AssertionError("no lane holds a record");
  }

  private static ConsumerRecord<byte[], byte[]> sized(String key, long offset, int valueBytes) {
    return new ConsumerRecord<>("t", 0, offset, key.getBytes(UTF_8), new byte[valueBytes]);
  }

  @Test
  void bytesHeldNeverPassTheLimitAndRoomReturnsOnRelease() throws Exception {
    ConsumerRecord<byte[], byte[]> first = sized("a", 0, 100_000);
    long cost = RecordCost.of(first);
    Lanes lanes = new Lanes(1, 1_000, cost * 3 + cost / 2);
    for (long o = 0; o < 3; o++) {
      ConsumerRecord<byte[], byte[]> r = sized("a", o, 100_000);
      assertThat(lanes.hasRoomFor(r, partition)).isTrue();
      lanes.handle(r, partition);
    }
    assertThat(lanes.bytesInMemory()).isEqualTo(3 * cost);
    assertThat(lanes.hasRoom()).as("half a record of room left").isTrue();

    ConsumerRecord<byte[], byte[]> fourth = sized("a", 3, 100_000);
    assertThat(lanes.hasRoomFor(fourth, partition)).isFalse();
    assertThat(lanes.hasRoom()).as("no room until the refused record fits").isFalse();
    assertThat(lanes.bytesInMemory()).isLessThanOrEqualTo(lanes.byteLimit());

    lanes.release(takeOne(lanes));
    assertThat(lanes.hasRoom()).isTrue();
    assertThat(lanes.hasRoomFor(fourth, partition)).isTrue();
    lanes.handle(fourth, partition);
    assertThat(lanes.bytesInMemory()).isEqualTo(3 * cost);
    assertThat(lanes.peakBytesInMemory()).isEqualTo(3 * cost);
    assertThat(lanes.inMemory()).as("the record bound is untouched").isEqualTo(3);
  }

  @Test
  void theRoomThatFreesUpIsKeptForTheWaitingRecordSoSmallOnesCannotStarveIt() throws Exception {
    PartitionState other = new PartitionState(new TopicPartition("t", 1));
    long small = RecordCost.of(sized("a", 0, 10_000));
    Lanes lanes = new Lanes(1, 1_000, small * 3);
    lanes.handle(sized("a", 0, 10_000), partition);
    lanes.handle(sized("a", 1, 10_000), partition);
    ConsumerRecord<byte[], byte[]> big = sized("b", 2, 20_000);
    ConsumerRecord<byte[], byte[]> next = new ConsumerRecord<>("t", 1, 0, null, new byte[10_000]);

    assertThat(lanes.hasRoomFor(big, partition)).isFalse();
    assertThat(lanes.hasRoom()).as("no room until the waiting record fits").isFalse();
    assertThat(lanes.hasRoomFor(next, other)).isFalse();

    lanes.release(takeOne(lanes));
    assertThat(lanes.hasRoom()).isTrue();
    assertThat(lanes.hasRoomFor(next, other)).as("the room is kept for the waiting one").isFalse();
    assertThat(lanes.hasRoomFor(big, partition)).isTrue();
    lanes.handle(big, partition);
    assertThat(lanes.bytesInMemory()).isLessThanOrEqualTo(lanes.byteLimit());
    assertThat(lanes.hasRoomFor(next, other)).isFalse();
  }

  @Test
  void theWaitEndsWhenTheWaitingRecordsPartitionIsDiscarded() {
    PartitionState other = new PartitionState(new TopicPartition("t", 1));
    ConsumerRecord<byte[], byte[]> small = sized("a", 0, 1_000);
    Lanes lanes = new Lanes(1, 1_000, RecordCost.of(small) * 4);
    lanes.handle(small, partition);
    ConsumerRecord<byte[], byte[]> huge = new ConsumerRecord<>("t", 1, 0, null, new byte[100_000]);
    assertThat(lanes.hasRoomFor(huge, other)).isFalse();
    assertThat(lanes.hasRoomFor(sized("a", 1, 1_000), partition)).isFalse();

    lanes.discardQueued(p -> p == other); // revoked: the huge record will not come back here
    assertThat(lanes.hasRoom()).isTrue();
    assertThat(lanes.hasRoomFor(sized("a", 1, 1_000), partition)).isTrue();
  }

  @Test
  void aRecordLargerThanTheWholeLimitIsAdmittedAloneOnceNothingElseIsHeld() throws Exception {
    ConsumerRecord<byte[], byte[]> small = sized("a", 0, 1_000);
    ConsumerRecord<byte[], byte[]> huge = sized("b", 1, 5_000_000);
    Lanes lanes = new Lanes(2, 1_000, RecordCost.of(huge) / 10);
    lanes.handle(small, partition);

    assertThat(lanes.hasRoomFor(huge, partition)).as("not beside another record").isFalse();
    assertThat(lanes.hasRoom()).isFalse();
    lanes.release(takeOne(lanes));
    assertThat(lanes.hasRoom()).as("nothing held: the huge record may come").isTrue();
    assertThat(lanes.hasRoomFor(huge, partition)).isTrue();
    lanes.handle(huge, partition);
    assertThat(lanes.bytesInMemory()).isGreaterThan(lanes.byteLimit());
    assertThat(lanes.hasRoom()).as("nothing beside it").isFalse();
    assertThat(lanes.hasRoomFor(sized("c", 2, 10), partition)).isFalse();

    List<WorkItem> alone = takeOne(lanes);
    assertThat(alone).extracting(w -> w.record().offset()).containsExactly(1L);
    lanes.release(alone);
    assertThat(lanes.bytesInMemory()).isZero();
    assertThat(lanes.hasRoom()).isTrue();
  }

  @Test
  void discardedRecordsGiveTheirBytesBack() {
    Lanes lanes = new Lanes(3, 100, 10_000_000);
    PartitionState other = new PartitionState(new TopicPartition("t", 1));
    for (long o = 0; o < 6; o++) {
      lanes.handle(sized("k" + o, o, 1_000), o % 2 == 0 ? partition : other);
    }
    long before = lanes.bytesInMemory();
    assertThat(lanes.discardQueued(p -> p == other)).isEqualTo(3);
    assertThat(lanes.bytesInMemory()).isEqualTo(before / 2);
    assertThat(lanes.inMemory()).isEqualTo(3);
  }
}
