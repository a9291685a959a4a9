package dev.ferry.dispatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.source.PartitionState;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LaneTest {
  private final PartitionState partition = new PartitionState(new TopicPartition("t", 0));

  private WorkItem item(long offset, int valueBytes) {
    return new WorkItem(
        new ConsumerRecord<>("t", 0, offset, "k".getBytes(UTF_8), new byte[valueBytes]), partition);
  }

  @Test
  void batchIsCappedAtItsSize() throws Exception {
    Lane lane = new Lane();
    for (long o = 0; o < 10; o++) {
      lane.add(item(o, 0));
    }
    assertThat(lane.takeBatch(4, Duration.ofMillis(50), Duration.ofMillis(1))).hasSize(4);
    assertThat(lane.takeBatch(100, Duration.ZERO, Duration.ofMillis(1))).hasSize(6);
    assertThat(lane.takeBatch(100, Duration.ZERO, Duration.ofMillis(1))).isEmpty();
  }

  @Test
  void aBatchIsCappedAtItsBytesButAlwaysTakesOneRecord() throws Exception {
    Lane lane = new Lane();
    for (long o = 0; o < 5; o++) {
      lane.add(item(o, 100_000));
    }
    long cost = item(0, 100_000).cost();
    assertThat(lane.takeBatch(100, cost * 2 + 1, Duration.ZERO, Duration.ofMillis(1))).hasSize(2);
    assertThat(lane.takeBatch(100, cost / 2, Duration.ZERO, Duration.ofMillis(1)))
        .as("larger than the batch limit: alone")
        .hasSize(1);
    assertThat(lane.takeBatch(100, Long.MAX_VALUE, Duration.ZERO, Duration.ofMillis(1))).hasSize(2);
  }
}
