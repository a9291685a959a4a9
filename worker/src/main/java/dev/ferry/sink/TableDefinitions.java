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
    RATE_LIMITED;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One (pipeline, table): what to describe it from, and its current snapshot. */
  private record Entry(
      PipelineSettings pipeline,
      TargetSettings target,
      AtomicReference<TableWriter> writer,
      AtomicReference<TableWriter> previous,
      RefreshLimiter limiter) {}

  private final DataSource dataSource;
  private final Clock clock;

  /** By target key; a routed pipeline's tables are added when first used ({@link #routed()}). */
  private final Map<String, Entry> entries;

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
                    new RefreshLimiter(clock)));
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

  /** Whether {@code target} is described already. */
  boolean known(String target) {
    return entries.containsKey(target);
  }

  /** Adds a table described after start; the first one described for its key stays. */
  void add(String target, PipelineSettings pipeline, TargetSettings settings, TableWriter writer) {
    entries.putIfAbsent(
        target,
        new Entry(
            pipeline,
            settings,
            new AtomicReference<>(writer),
            new AtomicReference<>(),
            new RefreshLimiter(clock)));
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
    for (Entry entry : entries.values()) {
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
   * FailureClassifier.signalsTableChange}): reads the targets again, within their rate limits.
   *
   * @param generationBefore {@link #generation()} when the failed write began
   * @return whether any definition changed since then (here or on another thread), so that the
   *     write is worth trying again with the new snapshots
   */
  public boolean refreshAfterSinkError(Collection<String> targets, long generationBefore) {
    for (String target : targets) {
      Entry entry = entry(target);
      if (entry.limiter().tryAcquire()) {
        refresh(entry, Trigger.SINK_ERROR);
      } else {
        count(Trigger.SINK_ERROR, Outcome.RATE_LIMITED);
      }
    }
    return generation.get() != generationBefore;
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
    TableWriter fresh;
    try (Connection c = dataSource.getConnection()) {
      fresh = TableWriter.describe(c, entry.pipeline(), entry.target());
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
    List<String> changes = changes(old.coercer(), fresh.coercer());
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

  /**
   * Each mapped column whose type differs, as {@code "amount" integer → text}, and each column
   * mapped now or no longer (a column added to or dropped from a table mapped by name).
   */
  static List<String> changes(RowCoercer old, RowCoercer fresh) {
    Map<String, RowCoercer.Column> before = new LinkedHashMap<>();
    old.columns().forEach(c -> before.put(c.name(), c));
    List<String> changes = new ArrayList<>();
    for (RowCoercer.Column now : fresh.columns()) {
      RowCoercer.Column was = before.remove(now.name());
      if (was == null) {
        changes.add("\"" + now.name() + "\" added (" + now.type().display() + ")");
      } else if (!was.type().equals(now.type())) {
        changes.add(
            "\"" + now.name() + "\" " + was.type().display() + " → " + now.type().display());
      }
    }
    before.keySet().forEach(name -> changes.add("\"" + name + "\" no longer mapped"));
    return changes;
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
