package dev.ferry.dispatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.source.PartitionState;
import dev.ferry.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LaterQueueTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final AtomicInteger total = new AtomicInteger();
  private final LaterQueue queue = new LaterQueue(clock, total, 4);
  private final PartitionState partition = new PartitionState(new TopicPartition("lines", 0));

  private WorkItem item(PartitionState state, String key, long offset) {
    return new WorkItem(
        new ConsumerRecord<>(
            "lines", 0, offset, key == null ? null : key.getBytes(UTF_8), "{}".getBytes(UTF_8)),
        state);
  }

  private static LaterQueue.Retry first() {
    return new LaterQueue.Retry(T0, 1);
  }

  @Test
  void aWaitingRecordHoldsItsKeyOnlyAndComesBackWhenDueWithTheRecordsBehindItInOrder() {
    WorkItem head = item(partition, "l-1", 3);
    queue.wait(head, first(), T0.plusSeconds(1));
    WorkItem second = item(partition, "l-1", 7);
    WorkItem otherKey = item(partition, "l-2", 8);
    assertThat(queue.holds(second)).isTrue();
    assertThat(queue.holds(otherKey)).isFalse();
    queue.behind(second);
    queue.behind(item(partition, "l-1", 9));
    assertThat(queue.size()).isEqualTo(3);
    assertThat(total).hasValue(3);

    assertThat(queue.takeDue()).isEmpty();
    assertThat(queue.untilDue()).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.takeDue()).extracting(w -> w.record().offset()).containsExactly(3L, 7L, 9L);
    assertThat(queue.retryOf(head)).contains(first());
    assertThat(queue.retryOf(second)).as("only a waiting record has a history").isEmpty();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(total).hasValue(0);
    assertThat(queue.untilDue()).isNull();

    queue.takeDue();
    assertThat(queue.retryOf(head)).as("forgotten at the next batch").isEmpty();
  }

  @Test
  void theSameKeyInAnotherPartitionOrAPartitionAssignedAgainIsNotHeld() {
    queue.wait(item(partition, "k", 1), first(), T0.plusSeconds(5));
    PartitionState again = new PartitionState(new TopicPartition("lines", 0));
    assertThat(queue.holds(item(again, "k", 2))).isFalse();
    assertThat(queue.holds(item(partition, "k", 2))).isTrue();
  }

  @Test
  void recordsWithoutAKeyAreHeldByTheirPartition() {
    queue.wait(item(partition, null, 1), first(), T0.plusSeconds(5));
    assertThat(queue.holds(item(partition, null, 2))).isTrue();
    assertThat(queue.holds(item(partition, "k", 3))).isFalse();
  }

  @Test
  void recordsOfAPartitionNoLongerOwnedAreForgottenNotHandedOut() {
    queue.wait(item(partition, "k", 1), first(), T0.plusSeconds(5));
    queue.behind(item(partition, "k", 2));
    partition.fence();
    assertThat(queue.takeDue()).isEmpty();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(total).hasValue(0);
  }

  @Test
  void theLimitCountsEveryLaneOfTheWorker() {
    LaterQueue otherLane = new LaterQueue(clock, total, 4);
    queue.wait(item(partition, "a", 1), first(), T0.plusSeconds(5));
    queue.behind(item(partition, "a", 2));
    otherLane.wait(item(partition, "b", 3), first(), T0.plusSeconds(5));
    assertThat(queue.hasRoom()).isTrue();
    otherLane.behind(item(partition, "b", 4));
    assertThat(queue.hasRoom()).isFalse();
    assertThat(LaterQueue.NONE.hasRoom()).isFalse();
  }

  @Test
  void aKeyWaitsOnceAndOnlyAWaitingKeyTakesRecordsBehind() {
    queue.wait(item(partition, "a", 1), first(), T0.plusSeconds(5));
    assertThatThrownBy(() -> queue.wait(item(partition, "a", 2), first(), T0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> queue.behind(item(partition, "b", 3)))
        .isInstanceOf(IllegalStateException.class);
  }
}
