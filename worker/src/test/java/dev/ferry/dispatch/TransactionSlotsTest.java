package dev.ferry.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.lifecycle.StopSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * max-transactions: batches of a pipeline processed at once never exceed its limit, batches of two
 * pipelines take a slot of each without deadlock, a raised limit lets waiting batches in, and a
 * stop ends the wait with the batch unprocessed.
 */
@Timeout(30)
class TransactionSlotsTest {
  private final TransactionSlots slots = new TransactionSlots(List.of("a", "b"));
  private final StopSignal stop = new StopSignal();
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> peak = new ConcurrentHashMap<>();
  private final AtomicInteger processed = new AtomicInteger();

  /**
   * A processor that holds each batch a little while, noting how many of a pipeline run at once.
   */
  private final BatchProcessor slowProcessor =
      batch -> {
        List<String> pipelines =
            batch.stream().map(w -> w.record().topic()).distinct().sorted().toList();
        for (String p : pipelines) {
          int now = running.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
          peak.computeIfAbsent(p, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        }
        TimeUnit.MILLISECONDS.sleep(5); // stands for a transaction in flight
        pipelines.forEach(p -> running.get(p).decrementAndGet());
        processed.incrementAndGet();
      };

  private final SlotGate gate = new SlotGate(slowProcessor, slots, Optional::of, stop);

  private static WorkItem item(String topic) {
    return new WorkItem(
        new ConsumerRecord<>(topic, 0, 0L, new byte[0], new byte[0]),
        new dev.ferry.source.PartitionState(new TopicPartition(topic, 0)));
  }

  private List<Thread> workers(int count, int batches, List<List<WorkItem>> shapes) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      int offset = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < batches; i++) {
                    gate.process(shapes.get((i + offset) % shapes.size()));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "test-worker-" + t);
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  @Test
  void eightWorkersNeverRunMoreThanTheLimitOfAPipelineAtOnce() throws Exception {
    slots.setLimit("a", OptionalInt.of(2));
    List<List<WorkItem>> shapes =
        List.of(List.of(item("a")), List.of(item("a"), item("b")), List.of(item("b")));

    for (Thread t : workers(8, 40, shapes)) {
      t.join();
    }

    assertThat(processed.get()).isEqualTo(8 * 40);
    assertThat(peak.get("a").get()).isEqualTo(2);
    assertThat(peak.get("b").get()).isGreaterThan(2); // unlimited: as many as there are workers
    assertThat(slots.inUse("a")).isZero();
    assertThat(slots.inUse("b")).isZero();
  }

  @Test
  void twoLimitedPipelinesSharedByBatchesDoNotDeadlock() throws Exception {
    slots.setLimit("a", OptionalInt.of(1));
    slots.setLimit("b", OptionalInt.of(1));
    List<List<WorkItem>> shapes =
        List.of(List.of(item("b"), item("a")), List.of(item("a"), item("b")), List.of(item("a")));

    for (Thread t : workers(6, 30, shapes)) {
      t.join();
    }

    assertThat(processed.get()).isEqualTo(6 * 30);
    assertThat(peak.get("a").get()).isEqualTo(1);
    assertThat(peak.get("b").get()).isEqualTo(1);
  }

  @Test
  void aRaisedLimitLetsTheWaitingInAndAStopEndsTheWaitUnprocessed() throws Exception {
    slots.setLimit("a", OptionalInt.of(1));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SlotGate blocking =
        new SlotGate(
            batch -> {
              holding.countDown();
              release.await();
            },
            slots,
            Optional::of,
            stop);
    Thread holder =
        new Thread(
            () -> {
              try {
                blocking.process(List.of(item("a")));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    holder.start();
    holding.await();

    Thread waiter = new Thread(() -> run(List.of(item("a"))));
    waiter.start();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> processed.get() == 0);
    slots.setLimit("a", OptionalInt.of(2));
    waiter.join(5_000);
    assertThat(processed.get()).isEqualTo(1);

    slots.setLimit("a", OptionalInt.of(1)); // the holder still has its slot
    Thread stopped = new Thread(() -> run(List.of(item("a"))));
    stopped.start();
    stop.stop();
    stopped.join(5_000);
    assertThat(stopped.isAlive()).isFalse();
    assertThat(processed.get()).isEqualTo(1); // returned without processing
    release.countDown();
    holder.join(5_000);
    assertThat(slots.inUse("a")).isZero();
  }

  private void run(List<WorkItem> batch) {
    try {
      gate.process(batch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
