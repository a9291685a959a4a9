package dev.ferry.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The progress readings for metrics: lag per owned partition, age of the oldest pending record. */
class ProgressReadingsTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final ProgressReadings readings = new ProgressReadings();

  @Test
  void readingsChangeOnlyOnRefreshAndKeepOnlyOwnedPartitions() {
    consumer.assign(List.of(P0, P1));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.updateEndOffsets(Map.of(P0, 10L, P1, 4L));
    PartitionState p0 = new PartitionState(P0);
    p0.offsets().dispatched(0, 1_000);
    p0.offsets().dispatched(1, 3_000);
    PartitionState p1 = new PartitionState(P1);
    p1.offsets().dispatched(0, 2_000);
    partitions.put(P0, p0);
    partitions.put(P1, p1);

    assertThat(readings.lags()).isEmpty();
    assertThat(readings.oldestPendingAgeMillis(5_000)).as("none read yet").isZero();

    readings.refresh(consumer, partitions);
    assertThat(readings.lags()).isEqualTo(Map.of(P0, 10L, P1, 4L));
    assertThat(readings.oldestPendingAgeMillis(5_000)).isEqualTo(4_000);

    p0.complete(0);
    partitions.remove(P1);
    assertThat(readings.oldestPendingAgeMillis(5_000))
        .as("until the next refresh")
        .isEqualTo(4_000);
    readings.refresh(consumer, partitions);
    assertThat(readings.lags()).isEqualTo(Map.of(P0, 10L));
    assertThat(readings.oldestPendingAgeMillis(5_000)).isEqualTo(2_000);

    p0.complete(1);
    readings.refresh(consumer, partitions);
    assertThat(readings.oldestPendingAgeMillis(5_000)).as("nothing pending").isZero();
  }
}
