package dev.ferry.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.errors.Backoff;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The poll loop's bookkeeping against Kafka's own {@link MockConsumer}: claims before fetching,
 * skipping what an earlier owner applied, backpressure pauses, commits of the contiguous watermark,
 * and revocation. (Kafka itself is real in every integration test.)
 */
class PollLoopTest {
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final Handler handler = new Handler();
  private final StopSignal stop = new StopSignal();
  private final AtomicInteger claims = new AtomicInteger();
  private Thread thread;
  private PollLoop loop;

  /** Records without a key are barriers, as on a change-event pipeline's topic. */
  private static final Predicate<ConsumerRecord<byte[], byte[]>> KEYLESS = r -> r.key() == null;

  /** Collects handed-over records; "full" on demand. */
  private static final class Handler implements RecordHandler {
    final List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
    final List<PartitionState> states = new CopyOnWriteArrayList<>();
    final AtomicBoolean full = new AtomicBoolean();
    final AtomicInteger discarded = new AtomicInteger();
    final Set<Long> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final Set<String> heldBack = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public boolean holdsBack(String topic) {
      return heldBack.contains(topic);
    }

    @Override
    public boolean hasRoomFor(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
      return !(record.partition() == P0.partition() && refused.contains(record.offset()));
    }

    @Override
    public void handle(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
      records.add(record);
      states.add(partition);
    }

    @Override
    public boolean hasRoom() {
      return !full.get();
    }

    @Override
    public int discardQueued(Predicate<PartitionState> which) {
      int n = (int) states.stream().filter(which).count();
      discarded.addAndGet(n);
      return n;
    }

    @Override
    public int inMemory() {
      return 0;
    }

    /** Completes every handed-over record, as workers would. */
    void completeAll() {
      for (int i = 0; i < records.size(); i++) {
        states.get(i).complete(records.get(i).offset());
      }
    }
  }

  private void start(PartitionClaimer claimer) {
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    loop =
        new PollLoop(
            consumer,
            TopicSubscription.listed(List.of("t")),
            handler,
            tp -> {
              claims.incrementAndGet();
              return claimer.claim(tp);
            },
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new SplittableRandom(1)),
            topic -> false,
            KEYLESS,
            Duration.ofMillis(10),
            Duration.ofSeconds(10),
            Clock.systemUTC(),
            stop);
    thread = new Thread(() -> loop.run(Duration.ofSeconds(5)), "test-poll");
    thread.start();
  }

  @AfterEach
  void stopLoop() throws InterruptedException {
    stop.stop();
    if (thread != null) {
      thread.join(10_000);
    }
  }

  private void assignAndAdd(TopicPartition tp, long... offsets) {
    consumer.schedulePollTask(
        () -> {
          if (!consumer.assignment().contains(tp)) {
            consumer.rebalance(List.of(P0, P1));
          }
          for (long o : offsets) {
            consumer.addRecord(
                new ConsumerRecord<>(
                    tp.topic(), tp.partition(), o, new byte[] {1}, new byte[] {2}));
          }
        });
  }

  @Test
  void aPatternSubscriptionTellsTheClaimerOfEachAssignmentBeforeItsClaims() {
    List<String> calls = new CopyOnWriteArrayList<>();
    PartitionClaimer claimer =
        new PartitionClaimer() {
          @Override
          public PartitionClaim claim(TopicPartition tp) {
            calls.add("claim " + tp);
            return PartitionClaim.NONE;
          }

          @Override
          public void assigned(java.util.Collection<TopicPartition> tps) {
            calls.add(
                "assigned " + new java.util.TreeSet<>(tps.stream().map(String::valueOf).toList()));
          }
        };
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    loop =
        new PollLoop(
            consumer,
            TopicSubscription.matching(java.util.regex.Pattern.compile("t|u")),
            handler,
            claimer,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new SplittableRandom(1)),
            topic -> false,
            KEYLESS,
            Duration.ofMillis(10),
            Duration.ofSeconds(10),
            Clock.systemUTC(),
            stop);
    thread = new Thread(() -> loop.run(Duration.ofSeconds(5)), "test-poll");
    thread.start();
    assignAndAdd(P0, 0);

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 1);
    assertThat(calls).hasSize(3);
    assertThat(calls.get(0)).isEqualTo("assigned [t-0, t-1]");
    assertThat(calls.subList(1, 3)).containsExactlyInAnyOrder("claim t-0", "claim t-1");
  }

  @Test
  void offsetsAnEarlierOwnerAppliedAreCompletedWithoutProcessing() {
    start(tp -> new PartitionClaim(3, tp.equals(P0) ? Set.of(1L, 2L) : Set.of()));
    assignAndAdd(P0, 0, 1, 2, 3);

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 2);
    assertThat(handler.records).extracting(ConsumerRecord::offset).containsExactly(0L, 3L);
    assertThat(handler.states).allMatch(s -> s.epoch() == 3);
    assertThat(loop.skippedAsApplied()).isEqualTo(2);

    handler.completeAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> loop.committedOffsets().getOrDefault(P0, -1L) == 4L);
  }

  @Test
  void nothingIsFetchedBeforeTheClaimSucceeds() {
    AtomicBoolean databaseUp = new AtomicBoolean(false);
    start(
        tp -> {
          if (!databaseUp.get()) {
            throw new java.sql.SQLTransientConnectionException("down");
          }
          return new PartitionClaim(1, Set.of());
        });
    assignAndAdd(P0, 0, 1);

    await().atMost(Duration.ofSeconds(10)).until(() -> claims.get() >= 3);
    assertThat(handler.records).isEmpty();
    assertThat(consumer.paused()).contains(P0, P1);

    databaseUp.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 2);
  }

  @Test
  void aFullDispatcherPausesEveryPartitionAndRoomResumesThem() {
    start(tp -> new PartitionClaim(1, Set.of()));
    assignAndAdd(P0, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 1);

    handler.full.set(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.pausedPartitions() == 2);
    handler.full.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.pausedPartitions() == 0);
  }

  @Test
  void aTopicTheHandlerHoldsBackIsPausedWithoutStoppingThePollUntilItMayGoAgain() {
    start(tp -> new PartitionClaim(1, Set.of()));
    assignAndAdd(P0, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 1);

    handler.heldBack.add("t"); // a rate limit without tokens
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.pausedPartitions() == 2);
    assertThat(handler.discarded).hasValue(0); // held back, not halted: nothing queued is dropped
    handler.heldBack.clear();
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.pausedPartitions() == 0);
    assignAndAdd(P0, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 2);
  }

  @Test
  void onlyTheContiguousWatermarkIsCommitted() {
    start(tp -> new PartitionClaim(1, Set.of()));
    assignAndAdd(P0, 0, 1, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 3);

    handler.states.get(0).complete(0);
    handler.states.get(2).complete(2); // offset 1 is still in flight
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.committedOffsets().get(P0) == 1L);
    assertThat(consumer.committed(Set.of(P0)).get(P0).offset()).isEqualTo(1);

    handler.states.get(1).complete(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.committedOffsets().get(P0) == 3L);
  }

  @Test
  void revocationRetiresThePartitionAndDropsItsQueuedWork() {
    start(tp -> new PartitionClaim(1, Set.of()));
    assignAndAdd(P0, 0, 1, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 3);

    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> loop.assignedPartitions() == 1);

    assertThat(loop.rebalances().revocations()).isEqualTo(1);
    assertThat(handler.discarded.get()).isEqualTo(3);
    assertThat(handler.states).allMatch(PartitionState::isRetired);
    handler.states.get(0).complete(0);
    assertThat(handler.states.get(0).offsets().pendingCount())
        .as("completions of a retired partition are ignored")
        .isEqualTo(3);
    assertThat(loop.committedOffsets()).doesNotContainKey(P0);
  }

  @Test
  void aRecordWithoutByteRoomIsSoughtBackWithTheRestOfItsPartitionWhileOthersGoOn() {
    start(tp -> new PartitionClaim(1, Set.of()));
    handler.refused.add(1L);
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          for (long o = 0; o < 3; o++) {
            consumer.addRecord(new ConsumerRecord<>("t", 0, o, new byte[] {1}, new byte[] {2}));
          }
          consumer.addRecord(new ConsumerRecord<>("t", 1, 0, new byte[] {3}, new byte[] {4}));
        });

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 2);
    assertThat(handler.records)
        .extracting(r -> r.partition() + "@" + r.offset())
        .containsExactlyInAnyOrder("0@0", "1@0");
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.position(P0) == 1L);
    assertThat(loop.consumed()).as("refused records are not taken").isEqualTo(2);

    // Kafka fetches them again from the position; the mock needs them added again.
    handler.refused.clear();
    consumer.schedulePollTask(
        () -> {
          for (long o = 1; o < 3; o++) {
            consumer.addRecord(new ConsumerRecord<>("t", 0, o, new byte[] {1}, new byte[] {2}));
          }
        });
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 4);
    assertThat(handler.records)
        .filteredOn(r -> r.partition() == 0)
        .extracting(ConsumerRecord::offset)
        .containsExactly(0L, 1L, 2L);
  }

  @Test
  void aBarrierRunsAloneAfterTheRecordsBeforeItAndBeforeThoseAfterIt() {
    start(tp -> new PartitionClaim(1, Set.of()));
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0, P1));
          addToP0(0, 1, 2);
          consumer.addRecord(new ConsumerRecord<>("t", 1, 0, new byte[] {3}, new byte[] {4}));
        });

    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 2);
    assertThat(handler.records)
        .extracting(r -> r.partition() + "@" + r.offset())
        .as("the barrier at 0@1 waits for 0@0; the other partition goes on")
        .containsExactlyInAnyOrder("0@0", "1@0");
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(P0));
    assertThat(consumer.position(P0)).isEqualTo(1L);
    assertThat(consumer.paused()).doesNotContain(P1);

    handler.completeAll();
    consumer.schedulePollTask(() -> addToP0(1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 3);
    assertThat(handler.records.get(2).offset()).as("the barrier, once 0@0 completed").isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.paused().contains(P0));
    assertThat(consumer.position(P0)).as("0@2 waits for the barrier").isEqualTo(2L);
    assertThat(handler.records).hasSize(3);

    handler.completeAll();
    consumer.schedulePollTask(() -> addToP0(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> handler.records.size() == 4);
    assertThat(handler.records)
        .filteredOn(r -> r.partition() == 0)
        .extracting(ConsumerRecord::offset)
        .containsExactly(0L, 1L, 2L);
    await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.paused().contains(P0));
  }

  /** Offset 1 has no key (a barrier); the others have one. */
  private void addToP0(long... offsets) {
    for (long o : offsets) {
      byte[] key = o == 1 ? null : new byte[] {1};
      consumer.addRecord(new ConsumerRecord<>("t", 0, o, key, new byte[] {2}));
    }
  }
}
