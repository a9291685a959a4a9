package dev.ferry.sink;

import dev.ferry.config.WorkerSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The statements {@link PostgresSink} runs for the rows of one transaction, newer wins included:
 * all rows of a batch in JDBC batches or COPYs, or one record's rows at a time. Stateless.
 */
final class RowWrites {
  /**
   * The fewest whole insert-mode rows of one run written with COPY: below it a COPY's second round
   * trip costs more than the rewritten batch's statement (docs/performance.md, "The write path,
   * measured again").
   */
  static final int COPY_MIN_ROWS = 16;

  private final TableDefinitions tables;
  private final WorkerSettings.WriteMethod method;

  RowWrites(TableDefinitions tables, WorkerSettings.WriteMethod method) {
    this.tables = tables;
    this.method = method;
  }

  /**
   * Writes the rows that are not stale (newer wins: {@link SourcePositions}, {@link VersionCheck})
   * and saves the positions they advance.
   *
   * @return the records none of whose rows was applied because they are stale
   */
  Set<Origin> writeBatch(Connection c, List<Row> rows) throws SQLException {
    SourcePositions positions = SourcePositions.read(c, rows, tables::writerFor);
    BitSet stale = VersionCheck.stale(c, rows, tables::writerFor);
    if (positions != null) {
      stale = stale == null ? new BitSet(rows.size()) : stale;
      for (int i = 0; i < rows.size(); i++) {
        Row row = rows.get(i);
        if (!row.hasPosition() || stale.get(i)) {
          continue;
        }
        if (positions.stale(i, row)) {
          stale.set(i);
        } else {
          positions.advance(i, row);
        }
      }
    }
    if (stale == null || stale.isEmpty()) {
      writeRuns(c, rows);
      if (positions != null) {
        positions.save(c);
      }
      return Set.of();
    }
    List<Row> live = new ArrayList<>(rows.size() - stale.cardinality());
    for (int i = stale.nextClearBit(0); i < rows.size(); i = stale.nextClearBit(i + 1)) {
      live.add(rows.get(i));
    }
    writeRuns(c, live);
    if (positions != null) {
      positions.save(c);
    }
    return staleRecords(rows, stale);
  }

  /**
   * Writes consecutive rows with the same statement (one table, one kind, one set of columns) in
   * one JDBC batch (split where an upsert's key comes again: {@link
   * TableWriter#partsWithoutRepeatedKeys}), or one COPY for a long enough run of whole rows of an
   * insert-mode table; the record order is kept, so an insert and a later delete of the same key
   * apply in that order, and every version of a key is written. A COPY that fails fails the
   * transaction as a statement would.
   */
  private void writeRuns(Connection c, List<Row> rows) throws SQLException {
    int start = 0;
    while (start < rows.size()) {
      Row first = rows.get(start);
      TableWriter writer = tables.writerFor(first);
      String sql = writer.sqlFor(first);
      int end = start + 1;
      while (end < rows.size()
          && rows.get(end).target().equals(first.target())
          && tables.writerFor(rows.get(end)) == writer
          && writer.sqlFor(rows.get(end)).equals(sql)) {
        end++;
      }
      List<Row> run = rows.subList(start, end);
      Optional<String> copy = writer.copySql();
      if (method == WorkerSettings.WriteMethod.COPY
          && copy.isPresent()
          && run.size() >= COPY_MIN_ROWS
          && first.kind() == Row.Kind.WRITE
          && sql.equals(writer.sql())) {
        copy(c, writer, copy.get(), run);
      } else {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (List<Row> part : writer.partsWithoutRepeatedKeys(run)) {
            for (Row row : part) {
              writer.bind(ps, row);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
      }
      start = end;
    }
  }

  /** Writes a run of whole rows with one {@code COPY … FROM STDIN} in text format. */
  private static void copy(Connection c, TableWriter writer, String sql, List<Row> run)
      throws SQLException {
    CopyText text = new CopyText(run.size() * 128);
    for (Row row : run) {
      writer.copy(text, row);
    }
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      in.writeToCopy(text.bytes(), 0, text.size());
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /** The origins of the records (consecutive rows of one origin) whose rows are all stale. */
  static Set<Origin> staleRecords(List<Row> rows, BitSet stale) {
    Set<Origin> records = new LinkedHashSet<>();
    int start = 0;
    while (start < rows.size()) {
      Origin origin = rows.get(start).origin();
      int end = start + 1;
      while (end < rows.size() && rows.get(end).origin().equals(origin)) {
        end++;
      }
      if (stale.nextClearBit(start) >= end) {
        records.add(origin);
      }
      start = end;
    }
    return records;
  }

  /** Reads the stored positions of the rows' keys; null when no row has a position. */
  SourcePositions positions(Connection c, List<Row> rows) throws SQLException {
    return SourcePositions.read(c, rows, tables::writerFor);
  }

  /**
   * Writes the rows {@code start} (inclusive) to {@code end} of {@code rows} (one record) one by
   * one, except those stale by source position or left as they are by a version column; then
   * advances the positions of the rows it applied (only reached when every statement succeeded).
   *
   * @param positions from {@link #positions} for all of {@code rows}, or null
   * @return whether any row of the record was applied (false: the record is stale)
   */
  boolean writeRecord(Connection c, List<Row> rows, int start, int end, SourcePositions positions)
      throws SQLException {
    BitSet skipped = null;
    for (int i = start; i < end; i++) {
      Row row = rows.get(i);
      if (positions != null && row.hasPosition() && positions.stale(i, row)) {
        skipped = skipped == null ? new BitSet(end) : skipped;
        skipped.set(i);
        continue;
      }
      TableWriter writer = tables.writerFor(row);
      int count;
      try (PreparedStatement ps = c.prepareStatement(writer.sqlFor(row))) {
        writer.bind(ps, row);
        count = ps.executeUpdate();
      }
      // An upsert whose WHERE found the stored version newer changes no row.
      if (count == 0 && row.kind() == Row.Kind.WRITE && writer.version().isPresent()) {
        skipped = skipped == null ? new BitSet(end) : skipped;
        skipped.set(i);
      }
    }
    if (positions != null) {
      for (int i = start; i < end; i++) {
        if (rows.get(i).hasPosition() && (skipped == null || !skipped.get(i))) {
          positions.advance(i, rows.get(i));
        }
      }
    }
    return skipped == null || skipped.nextClearBit(start) < end;
  }
}
