package dev.ferry.sink;

import dev.ferry.config.Durations;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables routed pipelines resolve per record, described on first use into {@link
 * TableDefinitions} (which then refreshes them like the tables read at start). One describe per
 * table even when workers race: a lookup of an unknown table holds that table's lock while it reads
 * the catalog, and the others wait for its result. A table found missing, or not fitting the
 * pipeline, is remembered for {@link #RECHECK} (records to it fail fast meanwhile) and then looked
 * for again, so that a table created later is found; DDL Ferry runs itself ends the wait at once
 * ({@link #lookupAfterDdl}). A table found dropped while Ferry wrote to it ({@link
 * TableDefinitions#droppedTargets}) is missing to its next lookup, and described anew once it
 * exists again. Thread-safe.
 */
final class RoutedTables implements TableLookup {
  /** How many tables found missing are remembered; more (a flood of names) start over. */
  private static final int MAX_REMEMBERED = 10_000;

  /**
   * How long a table found missing (or unfit) is taken as such before the catalog is read again.
   */
  static final Duration RECHECK = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(RoutedTables.class);

  private final TableDefinitions definitions;
  private final DataSource dataSource;
  private final Clock clock;

  /** Tables last found missing or unfit: their answer and when it was found. */
  private final Map<String, Absent> absent = new ConcurrentHashMap<>();

  /** One lock per table being looked up, so that only one worker describes it. */
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  private record Absent(Lookup answer, long foundAtMillis) {}

  RoutedTables(TableDefinitions definitions, DataSource dataSource, Clock clock) {
    this.definitions = definitions;
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public Lookup lookup(PipelineSettings pipeline, TableName table) {
    String target = PostgresSink.targetKey(pipeline.name(), table);
    if (definitions.known(target)) {
      return new Found(target); // the hot path: no lock, no allocation beyond the key
    }
    Lookup recent = recentAbsence(target);
    if (recent != null) {
      return recent;
    }
    synchronized (locks.computeIfAbsent(target, k -> new Object())) {
      if (definitions.known(target)) {
        return new Found(target);
      }
      recent = recentAbsence(target);
      return recent != null ? recent : describe(pipeline, table, target);
    }
  }

  @Override
  public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
    String target = PostgresSink.targetKey(pipeline.name(), table);
    synchronized (locks.computeIfAbsent(target, k -> new Object())) {
      absent.remove(target);
      if (definitions.known(target)) {
        definitions.refreshAfterDdl(target);
        return new Found(target);
      }
      return describe(pipeline, table, target);
    }
  }

  private Lookup recentAbsence(String target) {
    Absent known = absent.get(target);
    if (known == null) {
      return null;
    }
    if (clock.millis() - known.foundAtMillis() < RECHECK.toMillis()) {
      return known.answer();
    }
    return null;
  }

  /** Reads the table's definition; called holding the table's lock. */
  private Lookup describe(PipelineSettings pipeline, TableName table, String target) {
    TargetSettings primary = pipeline.primary();
    TargetSettings settings =
        new TargetSettings(
            table,
            primary.mode(),
            primary.keyColumns(),
            primary.columns(),
            primary.columnsByName(),
            primary.versionColumn(),
            primary.columnFormats());
    Lookup answer;
    try (Connection c = dataSource.getConnection()) {
      boolean wasDropped = definitions.wasDropped(target);
      String name = pipeline.name();
      if (!TableCatalog.exists(c, table)) {
        answer =
            new Missing(
                "table "
                    + table
                    + " does not exist"
                    + (wasDropped
                        ? ": it was dropped after pipeline " + name + " had written to it"
                        : "")
                    + " (pipeline "
                    + name
                    + " looks for it again after "
                    + Durations.format(RECHECK)
                    + ")");
      } else {
        try {
          TableWriter writer = TableWriter.describe(c, pipeline, settings);
          definitions.add(target, pipeline, settings, writer);
          absent.remove(target);
          log.info(
              "table {} of pipeline {} described {}",
              table,
              pipeline.name(),
              wasDropped ? "again after it was dropped" : "on first use");
          return new Found(target);
        } catch (SinkSetupException e) {
          answer = new Unfit(e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw new TablesUnavailableException(
          "cannot read the definition of table " + table + ": " + e.getMessage(), e);
    }
    if (absent.size() >= MAX_REMEMBERED) {
      absent.clear();
      locks.clear(); // a lock held now only lets a second describe race; add keeps the first
    }
    absent.put(target, new Absent(answer, clock.millis()));
    return answer;
  }
}
