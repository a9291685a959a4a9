package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.dispatch.LaterQueue;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.KeyHold;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import dev.ferry.support.ManualClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Retry later through the processor, against a sink with a foreign key: a row whose id is not yet a
 * "parent" is refused with 23503 (or the SQLSTATE the test names), and time is a manual clock.
 */
class RetryLaterTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final ScriptedProcessor scripted =
      new ScriptedProcessor(
          "{name: p, topics: [t], table: t, columns: {id: /id}}",
          "retry: {later: {horizon: 10s, first-delay: 1s, max-delay: 4s}}");
  private final ParentSink sink = new ParentSink();
  private final MockProducer<byte[], byte[]> producer = scripted.producer;
  private final WorkerCounters counters = new WorkerCounters();
  private final AtomicInteger waitingTotal = new AtomicInteger();
  private final LaterQueue later = new LaterQueue(clock, waitingTotal, 3);
  private final PartitionState partition = new PartitionState(new TopicPartition("t", 0));
  private final PipelineProcessor processor =
      scripted.processor(
          new Pipeline(
              scripted.settings(), Map.of("p:t", ScriptedProcessor.idBigint()), Optional.empty()),
          sink,
          timeout -> false,
          counters,
          clock);

  /**
   * Refuses a row whose id is not a parent yet (SQLSTATE {@link #refusal}), as Postgres with a
   * foreign key would; isolates record by record, holding keys as {@link KeyHold} asks.
   */
  private static final class ParentSink implements RowSink {
    final Set<String> parents = new HashSet<>();
    final List<Long> applied = new ArrayList<>();
    String refusal = "23503";

    @Override
    public SinkResult write(List<Row> rows, List<Origin> alsoCompleted) {
      for (Row row : rows) {
        if (!parents.contains(row.values()[0])) {
          return SinkResult.failed(new SQLException("no parent " + row.values()[0], refusal));
        }
      }
      rows.forEach(row -> applied.add(row.origin().offset()));
      return new SinkResult.Committed(Written.ALL);
    }

    @Override
    public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
      return writeIsolating(rows, alsoCompleted, KeyHold.NONE);
    }

    @Override
    public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted, KeyHold hold) {
      Map<Integer, SQLException> rejected = new HashMap<>();
      Set<Integer> held = new HashSet<>();
      Set<Object> heldKeys = new HashSet<>();
      for (int i = 0; i < rows.size(); i++) {
        if (heldKeys.contains(hold.key(i))) {
          held.add(i);
        } else if (parents.contains(rows.get(i).values()[0])) {
          applied.add(rows.get(i).origin().offset());
        } else {
          SQLException e = new SQLException("no parent " + rows.get(i).values()[0], refusal);
          rejected.put(i, e);
          if (hold.holds(i, e)) {
            heldKeys.add(hold.key(i));
          }
        }
      }
      return new SinkResult.Committed(new Written(rejected, Set.of(), Set.of(), held));
    }

    @Override
    public Set<Origin> alreadyApplied(Collection<Origin> origins) {
      return Set.of();
    }
  }

  /** A record of key {@code key} at {@code offset} whose row's id is {@code id}. */
  private WorkItem record(String key, long offset, int id) {
    partition.offsets().dispatched(offset);
    byte[] value = ("{\"id\":" + id + "}").getBytes(UTF_8);
    return new WorkItem(
        new org.apache.kafka.clients.consumer.ConsumerRecord<>(
            "t", 0, offset, key.getBytes(UTF_8), value),
        partition);
  }

  /** What a worker does each round: the due records first, then the new batch. */
  private void round(List<WorkItem> batch) throws InterruptedException {
    List<WorkItem> live = new ArrayList<>(later.takeDue());
    live.addAll(batch);
    processor.process(live, later);
  }

  @Test
  void aRefusedRecordWaitsWithItsKeyBehindItWhileOtherKeysGoOnThenLandsInOrder() throws Exception {
    sink.parents.add("2");
    round(List.of(record("a", 0, 1), record("a", 1, 2), record("b", 2, 2)));

    assertThat(sink.applied)
        .as("b goes on; a's second record waits behind its first")
        .containsExactly(2L);
    assertThat(later.size()).isEqualTo(2);
    assertThat(producer.history()).isEmpty();
    assertThat(partition.offsets().watermark()).as("nothing of a is complete").hasValue(0);
    assertThat(counters.retriedLater()).isEqualTo(1);

    round(List.of(record("a", 3, 2)));
    assertThat(later.size()).as("a later record of a waits behind too").isEqualTo(3);

    clock.advance(Duration.ofSeconds(1));
    round(List.of());
    assertThat(later.size()).as("refused again: waits again, 2 s this time").isEqualTo(3);
    assertThat(counters.retriedLater()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(1));
    round(List.of());
    assertThat(counters.retriedLater()).as("not due yet").isEqualTo(2);

    sink.parents.add("1");
    clock.advance(Duration.ofSeconds(1));
    round(List.of());
    assertThat(sink.applied).containsExactly(2L, 0L, 1L, 3L);
    assertThat(later.isEmpty()).isTrue();
    assertThat(waitingTotal).hasValue(0);
    assertThat(partition.offsets().watermark()).hasValue(4);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aRecordStillRefusedAtTheHorizonIsDeadLetteredAndTheRecordsBehindItGoOn() throws Exception {
    sink.parents.add("2");
    round(List.of(record("a", 0, 1), record("a", 1, 2)));
    int rounds = 0;
    while (producer.history().isEmpty() && rounds++ < 20) {
      clock.advance(later.untilDue());
      round(List.of());
    }
    assertThat(clock.instant())
        .as("the last attempt is at the horizon")
        .isEqualTo(T0.plusSeconds(10));
    ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("foreign-key-violation");
    assertThat(header(letter, DeadLetterHeaders.ATTEMPTS))
        .as("refused at 0, 1, 3, 7 and 10 s")
        .isEqualTo("6");
    assertThat(sink.applied).containsExactly(1L);
    assertThat(partition.offsets().watermark()).hasValue(2);
  }

  @Test
  void aRefusalThatDoesNotRetryLaterOrFindsTheWorkerFullIsDeadLetteredAtOnce() throws Exception {
    sink.refusal = "23505";
    round(List.of(record("a", 0, 1)));
    assertThat(producer.history()).hasSize(1);
    assertThat(later.isEmpty()).isTrue();

    sink.refusal = "23503";
    round(List.of(record("b", 1, 1), record("c", 2, 1), record("d", 3, 1), record("e", 4, 1)));
    assertThat(later.size()).as("b, c and d wait: the limit is 3").isEqualTo(3);
    assertThat(producer.history()).hasSize(2);
    assertThat(header(producer.history().get(1), DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("4");

    round(List.of(record("b", 5, 2)));
    assertThat(later.size())
        .as("a record of a waiting key waits behind it, limit or not")
        .isEqualTo(4);
    assertThat(producer.history()).hasSize(2);
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
