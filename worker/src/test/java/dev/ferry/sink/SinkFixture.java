package dev.ferry.sink;

import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import dev.ferry.config.WorkerSettings;
import dev.ferry.health.Readiness;
import dev.ferry.support.FerrySchema;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real {@link PostgresSink} over one test schema, as the worker builds it: Ferry's schema
 * migrated, the tables read by {@link TableDefinitions}, exactly-once markers for a unique group
 * whose one partition this fixture claims.
 */
final class SinkFixture {
  static final String TOPIC = "changes";

  final PGSimpleDataSource dataSource;
  final String group = "sink-it-" + UUID.randomUUID();
  final TopicPartition partition = new TopicPartition(TOPIC, 0);
  private final PostgresSchemaExtension pg;
  private final AtomicLong offsets = new AtomicLong();
  private long epoch;

  SinkFixture(PostgresSchemaExtension pg) throws SQLException {
    this.pg = pg;
    dataSource = FerrySchema.dataSource(pg);
    Migrations.migrate(dataSource);
    epoch =
        new EpochStore(dataSource, group, "sink-it", TopicIds.fixed(Map.of(TOPIC, "topic-id-1")))
            .claim(partition)
            .epoch();
  }

  /** A target mapped by name, with the explicit columns {@code pointers} (column to pointer). */
  TargetSettings byName(String table, List<String> keys, Map<String, String> pointers) {
    Map<String, ColumnSource> columns = new LinkedHashMap<>();
    pointers.forEach((column, pointer) -> columns.put(column, ColumnSource.parse(pointer)));
    return new TargetSettings(
        table(table), PipelineSettings.Mode.UPSERT, keys, columns, true, Optional.empty());
  }

  /** A plain upsert target of the listed columns (each from {@code /column}), with a version. */
  TargetSettings versioned(String table, List<String> keys, List<String> cols, String version) {
    Map<String, ColumnSource> columns = new LinkedHashMap<>();
    cols.forEach(c -> columns.put(c, ColumnSource.parse("/" + c)));
    return new TargetSettings(
        table(table), PipelineSettings.Mode.UPSERT, keys, columns, false, Optional.of(version));
  }

  TableName table(String name) {
    return TableName.parse(pg.qualified(name)).orElseThrow();
  }

  static PipelineSettings pipeline(String name, TargetSettings target) {
    return PipelineSettings.simple(
        name, List.of(TOPIC), Optional.empty(), target, PipelineSettings.Tombstones.DELETE);
  }

  TableDefinitions tables(PipelineSettings... pipelines) throws SinkSetupException {
    return TableDefinitions.read(dataSource, List.of(pipelines), Clock.systemUTC());
  }

  /** The sink, its writes expected to commit. */
  CommittingSink committingSink(TableDefinitions tables) {
    return new CommittingSink(sink(tables));
  }

  PostgresSink sink(TableDefinitions tables) {
    return sink(tables, WorkerSettings.WriteMethod.COPY);
  }

  PostgresSink sink(TableDefinitions tables, WorkerSettings.WriteMethod writeMethod) {
    return PostgresSink.open(
        dataSource,
        tables,
        Optional.of(group),
        TopicIds.fixed(Map.of(TOPIC, "topic-id-1")),
        new TransactionWatchdog(
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            c -> {},
            new Readiness(),
            System::nanoTime),
        writeMethod);
  }

  /** The origin of the next record of the partition. */
  Origin next() {
    return new Origin(partition, epoch, offsets.getAndIncrement());
  }
}
