package dev.ferry.pipeline;

import dev.ferry.deadletter.DeadLetter;
import dev.ferry.dispatch.LaterQueue;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.sink.KeyHold;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** A batch in preparation: the rows to write and the records finished without a row. */
final class BatchWork {
  /** Why a record's span ended as it did, when it was not simply applied. */
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("ferry.outcome");

  final List<WorkItem> rowItems = new ArrayList<>();
  final List<Row> rows = new ArrayList<>();
  final List<WorkItem> otherItems = new ArrayList<>();
  final List<Origin> otherOrigins = new ArrayList<>();
  final List<DeadLetter> decodeFailures = new ArrayList<>();
  // The records whose dead letter the DLT acknowledged.
  final Set<ConsumerRecord<byte[], byte[]>> deadLettered =
      Collections.newSetFromMap(new IdentityHashMap<>());
  // Applied by a transaction whose COMMIT was in doubt: complete, not to be written again.
  final List<Row> appliedRows = new ArrayList<>();
  final List<WorkItem> appliedRowItems = new ArrayList<>();
  final List<WorkItem> appliedOtherItems = new ArrayList<>();
  // The process span of each record, when tracing is on; none otherwise.
  final Map<ConsumerRecord<byte[], byte[]>, Span> spans = new IdentityHashMap<>();
  // Replayed copies the sink skipped: their original record was applied before.
  Set<Origin> alreadyApplied = Set.of();
  // Changes the sink skipped: their row already reflects a newer change (newer wins).
  Set<Origin> stale = Set.of();
  boolean completed;
  // Tables of the rows found dropped by the last write: their records are to be routed again.
  Set<String> droppedTargets = Set.of();
  // How many times records of this batch were routed again (bounded by RouteAgain.MAX_ROUNDS).
  int routedAgain;
  // The lane's records that wait to be written again later, and the hold that keeps key order
  // when an isolating write lets a record wait (RetryLater).
  LaterQueue later = LaterQueue.NONE;
  KeyHold hold = KeyHold.NONE;
  // Whether a refused record waits, decided once per record (RetryLater.hold).
  final Map<WorkItem, Boolean> waits = new IdentityHashMap<>();
  // Rows the last committed isolating write held back behind a waiting record of their key.
  Set<Integer> held = Set.of();

  Span span(ConsumerRecord<byte[], byte[]> record) {
    Span span = spans.get(record);
    return span == null ? Span.getInvalid() : span;
  }

  /** The spans of the records still to be written. */
  List<Span> spansToWrite() {
    if (spans.isEmpty()) {
      return List.of();
    }
    List<Span> out = new ArrayList<>(rows.size() + otherItems.size());
    WorkItem previous = null;
    for (WorkItem item : rowItems) {
      if (item != previous) {
        out.add(span(item.record()));
        previous = item;
      }
    }
    otherItems.forEach(item -> out.add(span(item.record())));
    return out;
  }

  /** Ends every record's span: those not completed are read again, so say so. */
  void endSpans() {
    for (Span span : spans.values()) {
      if (!completed) {
        span.setAttribute(OUTCOME, "incomplete");
      }
      span.end();
    }
  }

  void dropFenced(Set<TopicPartition> fenced) {
    for (int i = rows.size() - 1; i >= 0; i--) {
      if (fenced.contains(rows.get(i).origin().partition())) {
        rows.remove(i);
        rowItems.remove(i);
      }
    }
    for (int i = otherOrigins.size() - 1; i >= 0; i--) {
      if (fenced.contains(otherOrigins.get(i).partition())) {
        otherOrigins.remove(i);
        otherItems.remove(i);
      }
    }
  }

  /**
   * Takes the records that failed to decode and whose dead letter was not sent out of the work:
   * they are neither marked as applied nor completed, so they are read again.
   */
  void dropUnsentDeadLetters() {
    Set<ConsumerRecord<byte[], byte[]>> unsent = Collections.newSetFromMap(new IdentityHashMap<>());
    for (DeadLetter letter : decodeFailures) {
      if (!deadLettered.contains(letter.record())) {
        unsent.add(letter.record());
      }
    }
    for (int i = otherItems.size() - 1; i >= 0; i--) {
      if (unsent.contains(otherItems.get(i).record())) {
        otherOrigins.remove(i);
        otherItems.remove(i);
      }
    }
  }

  boolean isEmpty() {
    return rows.isEmpty() && otherOrigins.isEmpty();
  }

  List<Origin> origins() {
    List<Origin> all = new ArrayList<>(rows.size() + otherOrigins.size());
    rows.forEach(row -> all.add(row.origin()));
    all.addAll(otherOrigins);
    return all;
  }

  /** Takes the records a committed transaction already applied out of the work to write. */
  void moveApplied(Set<Origin> applied) {
    for (int i = rows.size() - 1; i >= 0; i--) {
      if (applied.contains(rows.get(i).origin())) {
        appliedRows.add(rows.remove(i));
        appliedRowItems.add(rowItems.remove(i));
      }
    }
    for (int i = otherOrigins.size() - 1; i >= 0; i--) {
      if (applied.contains(otherOrigins.get(i))) {
        otherOrigins.remove(i);
        appliedOtherItems.add(otherItems.remove(i));
      }
    }
  }
}
