package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.MarkerCleaner;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.DatabaseTimeouts;
import dev.ferry.config.FerryConfig;
import dev.ferry.errors.SqlStateClasses;
import dev.ferry.health.PostgresProbe;
import dev.ferry.health.Readiness;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.SinkSetupException;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds the Postgres side of a worker from its config: the connection pool, Ferry's own schema,
 * the target tables' definitions, the sink and its transaction watchdog, the partition epochs, the
 * pipeline-halt records, the marker cleanup and the database probe. Each factory returns a part the
 * caller owns and closes (and starts, unless the factory did); one that fails throws {@link
 * StartupException} with a message for the operator.
 */
final class SinkAssembly {
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
  private static final Duration MARKER_CLEANUP_INTERVAL = Duration.ofSeconds(10);

  private final FerryConfig config;
  private final Readiness readiness;
  private final Clock clock;

  SinkAssembly(FerryConfig config, Readiness readiness, Clock clock) {
    this.config = config;
    this.readiness = readiness;
    this.clock = clock;
  }

  /** The connection pool, its meters in {@code registry}. */
  HikariDataSource openPool(MeterRegistry registry) throws StartupException {
    HikariDataSource pool = ConnectionPools.open(config, config.database().poolSize());
    pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    return pool;
  }

  /** Creates or upgrades Ferry's schema {@code ferry}. */
  static void migrate(HikariDataSource dataSource) throws StartupException {
    try {
      Migrations.migrate(dataSource);
    } catch (SQLException e) {
      throw new StartupException(
          "cannot create or upgrade Ferry's schema 'ferry' in Postgres: " + e.getMessage(), e);
    }
  }

  /** Where this worker records its pipeline halts; needs Ferry's schema. */
  PipelineHalts pipelineHalts(HikariDataSource dataSource) {
    return new PipelineHalts(dataSource, config.kafka().groupId(), owner());
  }

  /** The watchdog of the sink's transactions, not started; it evicts a stuck connection. */
  TransactionWatchdog watchdog(HikariDataSource dataSource) {
    DatabaseTimeouts timeouts = config.database().timeouts();
    return new TransactionWatchdog(
        timeouts.transaction(),
        timeouts.watchdogMargin(),
        dataSource::evictConnection,
        readiness,
        System::nanoTime);
  }

  /** Every pipeline's target tables as Postgres has them, checked against the pipelines. */
  TableDefinitions tables(HikariDataSource dataSource) throws StartupException {
    try {
      return TableDefinitions.read(dataSource, config.pipelines(), clock);
    } catch (SinkSetupException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** The sink, writing offset markers for the group when the worker runs exactly once. */
  PostgresSink sink(
      HikariDataSource dataSource,
      TableDefinitions tables,
      TopicIds topicIds,
      TransactionWatchdog watchdog) {
    Optional<String> bookkeepingGroup =
        config.worker().exactlyOnce() ? Optional.of(config.kafka().groupId()) : Optional.empty();
    return PostgresSink.open(
        dataSource,
        tables,
        bookkeepingGroup,
        topicIds,
        watchdog,
        config.worker().writeMethod(),
        SqlStateClasses.of(config.retry().sqlStates()));
  }

  /** The partition epochs this worker claims partitions with; empty unless it runs exactly once. */
  Optional<EpochStore> epochs(HikariDataSource dataSource, TopicIds topicIds) {
    if (!config.worker().exactlyOnce()) {
      return Optional.empty();
    }
    return Optional.of(new EpochStore(dataSource, config.kafka().groupId(), owner(), topicIds));
  }

  /** The probe that turns the worker not ready while Postgres does not answer, started. */
  PostgresProbe startProbe() {
    PostgresProbe probe =
        new PostgresProbe(
            config.database().url(),
            config.database().username(),
            config.database().password().value(),
            readiness);
    probe.start(PROBE_INTERVAL);
    return probe;
  }

  /**
   * The background deletion of the offset markers below the committed offsets, started.
   *
   * @param committedOffsets the poll loop's last committed offset per owned partition
   */
  MarkerCleaner startMarkerCleaner(
      EpochStore epochs, Supplier<Map<TopicPartition, Long>> committedOffsets) {
    MarkerCleaner cleaner =
        new MarkerCleaner(epochs, committedOffsets, config.database().timeouts().statement());
    cleaner.start(MARKER_CLEANUP_INTERVAL);
    return cleaner;
  }

  /** Who claims partitions, for the operator reading ferry.partition_epochs. */
  private static String owner() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown-host";
      }
    }
    return host + "/" + ProcessHandle.current().pid();
  }
}
