package dev.ferry.sink;

import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TargetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definition of every table the pipelines write, as one immutable {@link TableWriter} snapshot
 * per (pipeline, table) behind its own atomic reference: worker threads read the current snapshot
 * for every record and every write, and a refresh swaps a whole new one in, so a record is coerced
 * and its statement built from one consistent set of column types.
 *
 * <p>A table is read again from the catalog when one of its values fails coercion or the server
 * reports that its definition changed (both rate-limited per table by a {@link RefreshLimiter}),
 * and on a timer for all tables ({@code database.metadata-refresh-interval}). A read that fails
 * (the database is down, a mapped column was dropped) keeps the known snapshot and is logged. Each
 * type change is logged per column, and every read is counted by trigger and outcome. Thread-safe.
 */
public final class TableDefinitions implements RowCoercions, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TableDefinitions.class);

  /** Why a table was read again; the {@code trigger} label of the refresh counter. */
  public enum Trigger {
    COERCION_FAILURE,
    SINK_ERROR,
    TIMER,
    /** Ferry created the table or added columns to it ({@code ddl.TableProvisioner}). */
    DDL;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What a refresh found; the {@code outcome} label of the refresh counter. */
  public enum Outcome {
    /** The types of mapped columns changed: a new snapshot is in use. */
    CHANGED,
    UNCHANGED,
    /** The catalog could not be read, or the table no longer fits the pipeline. */
    FAILED,
    /** Not read: the table was read too often just before. */
    RATE_LIMITED,
    /** A table looked up per record no longer exists: its next lookup takes it as missing. */
    DROPPED;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One (pipeline, table): what to describe it from, its snapshot; lookedUp: not at start. */
  private record Entry(
      PipelineSettings pipeline,
      TargetSettings target,
      AtomicReference<TableWriter> writer,
      AtomicReference<TableWriter> previous,
      RefreshLimiter limiter,
      boolean lookedUp) {}

  private final DataSource dataSource;
  private final Clock clock;

  /** By target key; a routed pipeline's tables are added when first used ({@link #routed()}). */
  private final Map<String, Entry> entries;

  /** The looked-up tables found dropped; their entries stay until described anew ({@link #add}). */
  private final DroppedTables dropped = new DroppedTables();

  private final RoutedTables routed;
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLongArray refreshes =
      new AtomicLongArray(Trigger.values().length * Outcome.values().length);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ferry-metadata-refresh"));

  private TableDefinitions(DataSource dataSource, Map<String, Entry> entries, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.entries = new ConcurrentHashMap<>(entries);
    this.routed = new RoutedTables(this, dataSource, clock);
  }

  /**
   * Reads every pipeline's tables, checks them against the pipeline (see {@link
   * TableWriter#describe}) and builds their statements.
   *
   * @throws SinkSetupException naming every problem of every table
   */
  public static TableDefinitions read(
      DataSource dataSource, List<PipelineSettings> pipelines, Clock clock)
      throws SinkSetupException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (PipelineSettings p : pipelines) {
        for (TargetSettings target : p.fixedTargets()) {
          try {
            entries.put(
                PostgresSink.targetKey(p.name(), target.table()),
                new Entry(
                    p,
                    target,
                    new AtomicReference<>(TableWriter.describe(c, p, target)),
                    new AtomicReference<>(),
                    new RefreshLimiter(clock),
                    false));
          } catch (SinkSetupException e) {
            problems.add(e.getMessage());
          }
        }
      }
    } catch (SQLException e) {
      throw new SinkSetupException("cannot read table definitions: " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new SinkSetupException(String.join("; ", problems));
    }
    return new TableDefinitions(dataSource, entries, clock);
  }

  /**
   * The tables of routed pipelines, each described when a record first goes to it and from then on
   * refreshed like the tables read at start.
   */
  public TableLookup routed() {
    return routed;
  }

  /** Whether {@code target} is described already, and not found dropped since. */
  boolean known(String target) {
    return entries.containsKey(target) && !dropped.contains(target);
  }

  /** Whether {@code target} was looked up per record, and found dropped since. */
  boolean wasDropped(String target) {
    return dropped.contains(target);
  }

  /**
   * Adds a table described after start; the first one described for its key stays, unless that one
   * was found dropped: then this one (the table created again) takes its place.
   */
  void add(String target, PipelineSettings pipeline, TargetSettings settings, TableWriter writer) {
    Entry entry =
        new Entry(
            pipeline,
            settings,
            new AtomicReference<>(writer),
            new AtomicReference<>(),
            new RefreshLimiter(clock),
            true);
    if (dropped.contains(target)) { // created again: rows built before the drop may fit it
      entries.put(target, entry);
      dropped.remove(target);
      generation.incrementAndGet();
    } else {
      entries.putIfAbsent(target, entry);
    }
  }

  /** Reads {@code target} again after Ferry ran DDL on it; whether its definition changed. */
  boolean refreshAfterDdl(String target) {
    return refresh(entry(target), Trigger.DDL) == Outcome.CHANGED;
  }

  /** The pool the tables are read through; tables are created and altered through it too. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** Reads every table again every {@code interval}, on its own thread; zero leaves it off. */
  public void start(Duration interval) {
    if (interval.isZero()) {
      return;
    }
    timer.scheduleWithFixedDelay(
        this::refreshAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One timed pass over every table; runs on the timer's thread (or a test's). */
  void refreshAll() {
    for (Map.Entry<String, Entry> known : entries.entrySet()) {
      if (dropped.contains(known.getKey())) {
        continue; // nothing to read: its next record looks it up
      }
      Entry entry = known.getValue();
      try {
        refresh(entry, Trigger.TIMER);
      } catch (RuntimeException e) {
        log.warn("re-reading table {} failed: {}", entry.target().table(), e.toString());
      }
    }
  }

  /**
   * The current snapshot of {@code target} ({@link PostgresSink#targetKey}): its columns ({@link
   * TableWriter#columns()}, where a pipeline takes each value from) and its coercer, which agree.
   */
  public TableWriter writer(String target) {
    return entry(target).writer().get();
  }

  /**
   * The snapshot to write {@code row} with: the current one, or the one before it for a row built
   * before a column was added to (or dropped from) a table mapped by name.
   */
  TableWriter writerFor(Row row) {
    Entry entry = entry(row.target());
    TableWriter current = entry.writer().get();
    if (current.fits(row)) {
      return current;
    }
    TableWriter previous = entry.previous().get();
    return previous != null && previous.fits(row) ? previous : current;
  }

  /** How many times a new snapshot was swapped in, over all tables. */
  public long generation() {
    return generation.get();
  }

  @Override
  public boolean has(String target) {
    return entries.containsKey(target);
  }

  @Override
  public RowCoercer current(String target) {
    return writer(target).coercer();
  }

  @Override
  public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
    Entry entry = entry(target);
    if (entry.writer().get().coercer() == failed) {
      if (!entry.limiter().tryAcquire()) {
        count(Trigger.COERCION_FAILURE, Outcome.RATE_LIMITED);
        return Optional.empty();
      }
      refresh(entry, Trigger.COERCION_FAILURE);
    }
    RowCoercer now = entry.writer().get().coercer();
    return now == failed ? Optional.empty() : Optional.of(now);
  }

  /**
   * After the server refused a write in a way that says a table changed (see {@code
   * FailureClassifier.signalsTableChange}): reads the targets again, within their rate limits. A
   * table looked up per record that no longer exists is taken as dropped ({@link #droppedTargets}).
   *
   * @param generationBefore {@link #generation()} when the failed write began
   * @return whether any definition changed since then (here or on another thread), or a target was
   *     found dropped, so that the write is worth trying again with the new snapshots (or its
   *     records routed again)
   */
  public boolean refreshAfterSinkError(Collection<String> targets, long generationBefore) {
    boolean anyDropped = false;
    for (String target : targets) {
      Entry entry = entry(target);
      if (dropped.contains(target)) {
        anyDropped = true; // found so by another thread: nothing more to read
      } else if (entry.limiter().tryAcquire()) {
        anyDropped |= refresh(entry, Trigger.SINK_ERROR) == Outcome.DROPPED;
      } else {
        count(Trigger.SINK_ERROR, Outcome.RATE_LIMITED);
        // A read of this table may be under way on another thread (the first of many writes that
        // failed at once): its answer, the table dropped above all, holds for this write too.
        synchronized (entry) {
          anyDropped |= dropped.contains(target);
        }
      }
    }
    return anyDropped || generation.get() != generationBefore;
  }

  /**
   * The targets among {@code targets} that were looked up per record and found dropped since: the
   * records of their rows are to be routed again.
   */
  public Set<String> droppedTargets(Collection<String> targets) {
    return dropped.among(targets);
  }

  /** Reads made so far with {@code trigger} that ended in {@code outcome}. */
  public long refreshes(Trigger trigger, Outcome outcome) {
    return refreshes.get(index(trigger, outcome));
  }

  private Outcome refresh(Entry entry, Trigger trigger) {
    Outcome outcome;
    // One read at a time per table, so that a change is swapped in, logged and counted once.
    synchronized (entry) {
      outcome = readAndSwap(entry, trigger);
    }
    count(trigger, outcome);
    return outcome;
  }

  private Outcome readAndSwap(Entry entry, Trigger trigger) {
    String target = PostgresSink.targetKey(entry.pipeline().name(), entry.target().table());
    if (dropped.contains(target)) {
      return Outcome.DROPPED; // found so while this thread waited for the entry's lock
    }
    TableWriter fresh;
    try (Connection c = dataSource.getConnection()) {
      try {
        fresh = TableWriter.describe(c, entry.pipeline(), entry.target());
      } catch (SinkSetupException e) {
        if (entry.lookedUp()
            && entries.get(target) == entry
            && !TableCatalog.exists(c, entry.target().table())) {
          dropped.add(target, entry.pipeline().name(), entry.target().table(), trigger.label());
          generation.incrementAndGet();
          return Outcome.DROPPED;
        }
        throw e;
      }
    } catch (SQLException | SinkSetupException e) {
      log.warn(
          "re-reading table {} of pipeline {} ({}) failed; the types read before stay in use: {}",
          entry.target().table(),
          entry.pipeline().name(),
          trigger.label(),
          e.getMessage());
      return Outcome.FAILED;
    }
    TableWriter old = entry.writer().get();
    List<String> changes = ColumnChanges.between(old.coercer(), fresh.coercer());
    if (changes.isEmpty()) {
      return Outcome.UNCHANGED;
    }
    entry.previous().set(old);
    entry.writer().set(fresh);
    generation.incrementAndGet();
    for (String change : changes) {
      log.info(
          "table {} changed: column {} (pipeline {}, noticed on {}); new records are coerced and"
              + " written with the new type",
          entry.target().table(),
          change,
          entry.pipeline().name(),
          trigger.label());
    }
    return Outcome.CHANGED;
  }

  private Entry entry(String target) {
    Entry entry = entries.get(target);
    if (entry == null) {
      throw new IllegalArgumentException("no table definition for " + target);
    }
    return entry;
  }

  private void count(Trigger trigger, Outcome outcome) {
    refreshes.incrementAndGet(index(trigger, outcome));
  }

  private static int index(Trigger trigger, Outcome outcome) {
    return trigger.ordinal() * Outcome.values().length + outcome.ordinal();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("metadata refresh did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
