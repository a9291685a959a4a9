package dev.ferry.sink;

import dev.ferry.config.CdcSettings;
import dev.ferry.config.ColumnFormat;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RecordFormat;
import dev.ferry.config.TableName;
import dev.ferry.config.TableTemplate;
import dev.ferry.config.TargetSettings;
import dev.ferry.support.ManualClock;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A routed pipeline {@code p} over a {@link SinkFixture}: its table is {@code <test
 * schema>.{topic}} (any topic allowed), rows inserted; its {@link TableDefinitions} read at start
 * on a {@link ManualClock}; and a table name of its own, not created. Close it after each test.
 */
final class RoutedTablesFixture implements AutoCloseable {
  private static final AtomicInteger TABLES = new AtomicInteger();

  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  final SinkFixture sink;
  final PipelineSettings pipeline;
  final TableDefinitions definitions;

  /** A name for this test's table, {@code prefix} and a number; see {@link #table()}. */
  final String name;

  RoutedTablesFixture(PostgresSchemaExtension pg, String prefix) throws Exception {
    sink = new SinkFixture(pg);
    name = prefix + TABLES.getAndIncrement();
    pipeline = pipeline(pg, Map.of());
    definitions = TableDefinitions.read(sink.dataSource, List.of(pipeline), clock);
  }

  /** {@link #name} in the test schema. */
  TableName table() {
    return sink.table(name);
  }

  /** What a record of {@link #pipeline} routed to {@code table} finds. */
  TableLookup.Lookup lookup(TableName table) {
    return definitions.routed().lookup(pipeline, table);
  }

  /** What a record of {@link #pipeline} routed to {@code table} finds after its DDL. */
  TableLookup.Lookup lookupAfterDdl(TableName table) {
    return definitions.routed().lookupAfterDdl(pipeline, table);
  }

  /** Pipeline {@code p} routed to {@code <test schema>.{topic}}, with these column formats. */
  static PipelineSettings pipeline(PostgresSchemaExtension pg, Map<String, ColumnFormat> formats) {
    String template = pg.schema() + ".{topic}";
    TargetSettings primary =
        new TargetSettings(
            new TableName(Optional.empty(), template),
            PipelineSettings.Mode.INSERT,
            List.of(),
            Map.of(),
            true,
            Optional.empty(),
            formats);
    return new PipelineSettings(
        "p",
        List.of(SinkFixture.TOPIC),
        Optional.empty(),
        primary,
        PipelineSettings.Tombstones.SKIP,
        Optional.empty(),
        Map.of(),
        List.of(),
        Optional.empty(),
        RecordFormat.JSON,
        RecordFormat.TEXT,
        Optional.empty(),
        false,
        false,
        Optional.of(TableTemplate.parse(template, Pattern.compile(".*"))),
        CdcSettings.UnknownFields.IGNORE);
  }

  @Override
  public void close() {
    definitions.close();
  }
}
