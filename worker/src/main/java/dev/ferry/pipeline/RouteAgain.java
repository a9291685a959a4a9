package dev.ferry.pipeline;

import dev.ferry.deadletter.DeadLetter;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.TablesUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes again the records of a batch whose rows went to a table found dropped while the batch was
 * written (a table looked up per record: routed by a template, or a fixed table under {@code
 * auto-create}; see {@code RowSink#droppedTargets}). Each such record is mapped anew, which looks
 * its table up again: the table is created again where the pipeline may and the record's rows are
 * built against it; otherwise the record fails ({@code table-missing}) and is dead-lettered before
 * the batch is written again, as a record that failed to decode is. The other records' rows stay
 * where they were, so the batch keeps its order. The failed write committed nothing, so nothing is
 * written twice.
 *
 * <p>Reading the table or the record's schema again may fail for a while (Postgres, the registry):
 * that waits with the workers' backoff, not ready, and dead-letters nothing. Thread-safe: holds no
 * state per batch.
 */
final class RouteAgain {
  private static final Logger log = LoggerFactory.getLogger(RouteAgain.class);

  /**
   * How often one batch's records are routed again. Past it (a table dropped again and again while
   * the batch is written) the writer treats the failure as it would any other.
   */
  static final int MAX_ROUNDS = 3;

  /** The rows of one record, as the batch was prepared: decoded, validated, routed, mapped. */
  @FunctionalInterface
  interface RecordRows {
    List<Row> rows(WorkItem item, Origin origin) throws RecordFailure, RegistryUnavailableException;
  }

  private final RecordRows recordRows;
  private final DeadLetterStep deadLetters;
  private final Backoff backoff;
  private final Waiter backoffWait;
  private final Readiness readiness;

  RouteAgain(
      RecordRows recordRows,
      DeadLetterStep deadLetters,
      Backoff backoff,
      Waiter backoffWait,
      Readiness readiness) {
    this.recordRows = recordRows;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.backoffWait = backoffWait;
    this.readiness = readiness;
  }

  /**
   * Maps again each record of {@code work} with a row for one of {@link BatchWork#droppedTargets},
   * in place; a record that fails is dead-lettered and then finished without a row (or, when its
   * pipeline is halted, left out of the work, incomplete).
   *
   * @return false if the worker stopped first: the batch is left incomplete, read again
   */
  boolean route(BatchWork work) throws InterruptedException {
    Set<String> dropped = work.droppedTargets;
    work.droppedTargets = Set.of();
    work.routedAgain++;
    List<Row> rows = new ArrayList<>(work.rows.size());
    List<WorkItem> items = new ArrayList<>(work.rowItems.size());
    int routed = 0;
    int start = 0;
    while (start < work.rows.size()) {
      WorkItem item = work.rowItems.get(start);
      int end = start + 1;
      while (end < work.rows.size() && work.rowItems.get(end) == item) {
        end++; // a record's rows are next to each other
      }
      List<Row> own = work.rows.subList(start, end);
      List<Row> kept = own;
      if (own.stream().anyMatch(row -> dropped.contains(row.target()))) {
        routed++;
        kept = rowsAgain(item, own.get(0), work);
        if (kept == null) {
          return false;
        }
      }
      for (Row row : kept) {
        rows.add(row);
        items.add(item);
      }
      start = end;
    }
    work.rows.clear();
    work.rows.addAll(rows);
    work.rowItems.clear();
    work.rowItems.addAll(items);
    log.info(
        "routed {} record(s) again: their table(s) {} were dropped while the batch was written",
        routed,
        dropped);
    return true;
  }

  /**
   * The record's new rows; empty when it has none now (its dead letter sent, or not sent because
   * its pipeline is halted, or no row at all).
   *
   * @param first the record's first row as prepared before: its pipeline and origin
   * @return null if the worker stopped first
   */
  private List<Row> rowsAgain(WorkItem item, Row first, BatchWork work)
      throws InterruptedException {
    Origin origin = first.origin();
    String waitedFor = null;
    for (int attempt = 1; ; attempt++) {
      Exception cause;
      String waitingFor;
      try {
        return done(item, origin, recordRows.rows(item, origin), work, waitedFor);
      } catch (RecordFailure f) {
        // One attempt, as for a record whose table was found missing when the batch was prepared:
        // the write that failed was the dropped table's fault, and the same record gets the same
        // dead letter whichever way it is found missing.
        DeadLetter letter = new DeadLetter(item.record(), first.pipeline(), f.reason(), f, 1);
        DeadLetterStep.Sent sent = deadLetters.send(letter, work);
        if (sent == DeadLetterStep.Sent.STOPPING) {
          return null;
        }
        // HALTED: left out of the work, neither marked nor completed: read again after a resume.
        return done(
            item, origin, List.of(), sent == DeadLetterStep.Sent.YES ? work : null, waitedFor);
      } catch (TablesUnavailableException e) {
        waitingFor = PipelineProcessor.SINK_UNAVAILABLE;
        cause = e;
      } catch (RegistryUnavailableException e) {
        waitingFor = PipelineProcessor.REGISTRY_UNAVAILABLE;
        cause = e;
      }
      waitedFor = waitingFor;
      readiness.set(waitingFor, true);
      log.warn(
          "routing {}-{}@{} again waits (attempt {}): {}",
          item.record().topic(),
          item.record().partition(),
          item.record().offset(),
          attempt,
          cause.getMessage());
      if (backoffWait.await(backoff.delay(attempt))) {
        return null;
      }
    }
  }

  /**
   * The record's rows, after it was mapped again; a record without rows is finished in {@code work}
   * (null: left out of it). Ends the readiness reason its wait set, if any.
   */
  private List<Row> done(
      WorkItem item, Origin origin, List<Row> rows, BatchWork work, String waitedFor) {
    if (rows.isEmpty() && work != null) {
      work.otherItems.add(item);
      work.otherOrigins.add(origin);
    }
    if (waitedFor != null) {
      readiness.set(waitedFor, false);
    }
    return rows;
  }
}
