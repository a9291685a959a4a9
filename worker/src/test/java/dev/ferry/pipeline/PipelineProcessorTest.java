package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.sink.CommitInDoubtException;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * How the processor treats each failure class, against a scripted sink and a recording wait (no
 * real time passes): transient failures are retried with capped, jittered backoff and never
 * dead-lettered; unknown ones up to max-attempts; permanent ones are isolated at once.
 */
class PipelineProcessorTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(2);

  private final ScriptedProcessor scripted =
      new ScriptedProcessor(
          "{name: p, topics: [t], table: t, columns: {id: /id}}",
          "retry: {max-attempts: 3, initial-backoff: 100ms, max-backoff: 2s}");
  private final List<Duration> waits = new ArrayList<>();
  private final ScriptedSink sink = new ScriptedSink();
  private final MockProducer<byte[], byte[]> producer = scripted.producer;
  private final WorkerCounters counters = new WorkerCounters();
  private final Readiness readiness = scripted.readiness;
  private final Backoff backoff = scripted.backoff;
  private final PipelineProcessor processor =
      processor(
          timeout -> {
            waits.add(timeout);
            return false;
          });

  /** A processor over the scripted sink whose backoff waits go to {@code waiter}. */
  private PipelineProcessor processor(Waiter waiter) {
    return scripted.processor(
        new Pipeline(
            scripted.settings(), Map.of("p:t", ScriptedProcessor.idBigint()), Optional.empty()),
        sink,
        waiter,
        counters,
        Clock.systemUTC());
  }

  /** Fails each call with the next scripted exception, then succeeds. */
  private static final class ScriptedSink implements RowSink {
    final Deque<SQLException> writeFailures = new ArrayDeque<>();
    final List<List<Row>> written = new ArrayList<>();
    // What each successful write marked as completed besides its rows.
    final List<List<Origin>> alsoCompletedWith = new ArrayList<>();
    Map<Integer, SQLException> isolatedRejections = Map.of();
    int isolatingCalls;
    // What refreshDefinitions answers: whether a re-read found a table changed.
    boolean tableChanged;
    int refreshes;
    // What alreadyApplied answers: offsets a transaction whose COMMIT was in doubt applied.
    Set<Long> appliedOffsets = Set.of();
    final List<Collection<Origin>> appliedQueries = new ArrayList<>();

    @Override
    public SinkResult write(List<Row> rows, List<Origin> alsoCompleted) {
      SQLException next = writeFailures.poll();
      if (next != null) {
        return SinkResult.failed(next);
      }
      written.add(List.copyOf(rows));
      alsoCompletedWith.add(List.copyOf(alsoCompleted));
      return new SinkResult.Committed(Written.ALL);
    }

    @Override
    public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
      isolatingCalls++;
      return new SinkResult.Committed(new Written(isolatedRejections, Set.of(), Set.of()));
    }

    @Override
    public boolean refreshDefinitions(List<Row> rows, long generationBefore) {
      refreshes++;
      return tableChanged;
    }

    @Override
    public Set<Origin> alreadyApplied(Collection<Origin> origins) {
      appliedQueries.add(List.copyOf(origins));
      return origins.stream()
          .filter(o -> appliedOffsets.contains(o.offset()))
          .collect(Collectors.toSet());
    }
  }

  private List<WorkItem> batch(int size) {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      state.offsets().dispatched(i);
      byte[] value = ("{\"id\":" + i + "}").getBytes(UTF_8);
      items.add(new WorkItem(new ConsumerRecord<>("t", 0, i, "k".getBytes(UTF_8), value), state));
    }
    return items;
  }

  @Test
  void transientFailuresAreRetriedWithCappedJitteredBackoffAndNeverDeadLettered() throws Exception {
    for (int i = 0; i < 8; i++) {
      sink.writeFailures.add(new SQLException("connection refused", "08001"));
    }
    List<WorkItem> items = batch(3);

    processor.process(items);

    assertThat(waits).hasSize(8);
    for (int attempt = 1; attempt <= waits.size(); attempt++) {
      assertThat(waits.get(attempt - 1))
          .as("wait before retry %d", attempt)
          .isBetween(Duration.ZERO, backoff.ceiling(attempt));
    }
    assertThat(backoff.ceiling(1)).isEqualTo(INITIAL);
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(1600));
    assertThat(backoff.ceiling(6)).isEqualTo(MAX);
    assertThat(waits.stream().distinct().count()).as("jitter").isGreaterThan(4);
    assertThat(sink.written).hasSize(1);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.retries()).isEqualTo(8);
    assertThat(readiness.has(PipelineProcessor.SINK_UNAVAILABLE)).isFalse();
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(3);
  }

  @Test
  void theSinkIsReportedUnavailableWhileTransientFailuresLast() throws Exception {
    sink.writeFailures.add(new SQLException("too many connections", "53300"));
    PipelineProcessor probe =
        processor(
            timeout -> {
              waits.add(timeout);
              assertThat(readiness.has(PipelineProcessor.SINK_UNAVAILABLE)).isTrue();
              return false;
            });

    probe.process(batch(1));

    assertThat(waits).hasSize(1);
    assertThat(readiness.has(PipelineProcessor.SINK_UNAVAILABLE)).isFalse();
  }

  @Test
  void unknownFailuresAreRetriedUpToMaxAttemptsThenIsolated() throws Exception {
    for (int i = 0; i < 10; i++) {
      sink.writeFailures.add(new SQLException("internal", "XX000"));
    }
    sink.isolatedRejections = Map.of(1, new SQLException("internal", "XX000"));

    processor.process(batch(3));

    assertThat(waits).as("backoffs between the 3 attempts").hasSize(2);
    assertThat(sink.isolatingCalls).isEqualTo(1);
    assertThat(producer.history()).hasSize(1);
    assertThat(
            new String(
                producer.history().get(0).headers().lastHeader("ferry.dlt.attempts").value(),
                UTF_8))
        .isEqualTo("4");
  }

  @Test
  void aPermanentFailureIsIsolatedAtOnceAndOnlyTheBadRowIsDeadLettered() throws Exception {
    sink.writeFailures.add(new SQLException("check", "23514"));
    sink.isolatedRejections = Map.of(2, new SQLException("check", "23514"));
    List<WorkItem> items = batch(4);

    processor.process(items);

    assertThat(waits).isEmpty();
    assertThat(sink.isolatingCalls).isEqualTo(1);
    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).value()).isEqualTo("{\"id\":2}".getBytes(UTF_8));
    assertThat(counters.applied()).isEqualTo(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(4);
  }

  @Test
  void aBatchTheServerRefusesForAChangedTableIsWrittenAgainAtOnceWithTheNewDefinition()
      throws Exception {
    sink.writeFailures.add(new SQLException("column is of type integer", "42804"));
    sink.writeFailures.add(new SQLException("column is of type integer", "42804"));
    sink.isolatedRejections = Map.of(0, new SQLException("column is of type integer", "42804"));
    sink.tableChanged = true;
    List<WorkItem> items = batch(2);

    processor.process(items);

    assertThat(sink.refreshes).as("one re-read per batch").isEqualTo(1);
    assertThat(waits).as("no backoff for a changed table").isEmpty();
    assertThat(sink.isolatingCalls).as("the second refusal is judged as before").isEqualTo(1);
    assertThat(producer.history()).hasSize(1);
    assertThat(counters.retries()).isZero();
  }

  @Test
  void aRefusalThatSignalsATableChangeIsJudgedAsBeforeWhenNothingChanged() throws Exception {
    sink.writeFailures.add(new SQLException("column \"x\" does not exist", "42703"));
    sink.isolatedRejections = Map.of(0, new SQLException("column \"x\" does not exist", "42703"));

    processor.process(batch(1));

    assertThat(sink.refreshes).isEqualTo(1);
    assertThat(sink.isolatingCalls).isEqualTo(1);
    assertThat(
            new String(
                producer.history().get(0).headers().lastHeader("ferry.dlt.reason").value(), UTF_8))
        .isEqualTo("schema-mismatch");
  }

  @Test
  void aCommitInDoubtThatHadCommittedIsNotWrittenAgain() throws Exception {
    sink.writeFailures.add(
        new CommitInDoubtException(new SQLException("An I/O error occurred", "08006")));
    sink.appliedOffsets = Set.of(0L, 1L, 2L);
    List<WorkItem> items = batch(3);

    processor.process(items);

    assertThat(sink.appliedQueries).hasSize(1);
    assertThat(sink.appliedQueries.get(0)).hasSize(3);
    assertThat(sink.written).as("writes after the one in doubt").isEmpty();
    assertThat(counters.commitsInDoubt()).isEqualTo(1);
    assertThat(counters.applied()).isEqualTo(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(3);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aCommitInDoubtThatHadRolledBackIsWrittenAgainWithoutTheAppliedPart() throws Exception {
    sink.writeFailures.add(
        new CommitInDoubtException(new SQLException("An I/O error occurred", (String) null)));
    sink.appliedOffsets = Set.of(1L);
    List<WorkItem> items = batch(3);

    processor.process(items);

    assertThat(waits).hasSize(1);
    assertThat(sink.written).hasSize(1);
    assertThat(sink.written.get(0))
        .extracting(row -> row.origin().offset())
        .containsExactlyInAnyOrder(0L, 2L);
    assertThat(counters.applied()).isEqualTo(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(3);
  }

  @Test
  void aCommitInDoubtIsNeverIsolatedBeforeItsOutcomeIsKnown() throws Exception {
    // Even when the failure would count as permanent, rows that may be in the table already
    // must not be written again row by row.
    sink.writeFailures.add(new CommitInDoubtException(new SQLException("odd", "23514")));
    sink.appliedOffsets = Set.of(0L, 1L);

    processor.process(batch(2));

    assertThat(sink.isolatingCalls).isZero();
    assertThat(sink.written).isEmpty();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aStopDuringBackoffLeavesTheBatchIncomplete() throws Exception {
    sink.writeFailures.add(new SQLException("gone", "57P01"));
    PipelineProcessor stopping = processor(timeout -> true);
    List<WorkItem> items = batch(2);

    stopping.process(items);

    assertThat(items.get(0).partition().offsets().watermark()).hasValue(0);
    assertThat(producer.history()).isEmpty();
  }

  /** Offsets 0.. of one partition; the values at {@code badOffsets} are no JSON. */
  private static List<WorkItem> batchWithBad(int size, Set<Integer> badOffsets) {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      state.offsets().dispatched(i);
      byte[] value = (badOffsets.contains(i) ? "not json" : "{\"id\":" + i + "}").getBytes(UTF_8);
      items.add(new WorkItem(new ConsumerRecord<>("t", 0, i, "k".getBytes(UTF_8), value), state));
    }
    return items;
  }

  @Test
  void aDecodeFailureTheDltRefusesHaltsThePipelineAndIsNeitherMarkedNorCompleted()
      throws Exception {
    producer.sendException = new RecordTooLargeException("larger than max.message.bytes");
    List<WorkItem> items = batchWithBad(3, Set.of(1));

    processor.process(items);

    assertThat(producer.history()).isEmpty();
    assertThat(readiness.has("dead-letter-too-large:p")).isTrue();
    assertThat(waits).as("a refusal is not retried with backoff").isEmpty();
    // The rest of the batch is applied; the refused record has no marker and holds the watermark.
    assertThat(sink.written).hasSize(1);
    assertThat(sink.written.get(0))
        .extracting(row -> row.origin().offset())
        .containsExactly(0L, 2L);
    assertThat(sink.alsoCompletedWith.get(0)).isEmpty();
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(1);
    assertThat(counters.deadLettered()).isZero();

    // Halted: the next records of the pipeline are neither processed nor completed.
    List<WorkItem> later = batchWithBad(5, Set.of());
    processor.process(later.subList(3, 5));
    assertThat(sink.written).hasSize(1);
    assertThat(later.get(0).partition().offsets().watermark()).hasValue(0);
  }

  @Test
  void aRejectedRowWhoseDeadLetterIsRefusedStaysIncompleteWhileTheOthersComplete()
      throws Exception {
    producer.sendException = new RecordTooLargeException("larger than max.message.bytes");
    sink.writeFailures.add(new SQLException("check", "23514"));
    sink.isolatedRejections = Map.of(1, new SQLException("check", "23514"));
    List<WorkItem> items = batch(4);

    processor.process(items);

    assertThat(producer.history()).isEmpty();
    assertThat(readiness.has("dead-letter-too-large:p")).isTrue();
    assertThat(counters.applied()).isEqualTo(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(1);
  }
}
