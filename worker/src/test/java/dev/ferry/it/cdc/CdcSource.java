package dev.ferry.it.cdc;

import dev.ferry.testkit.cdc.DebeziumConnect;
import dev.ferry.testkit.cdc.SourceDatabase;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real change-data-capture source for one test: a private PostgreSQL cluster, the scenario's
 * connection to it, and Debezium on Kafka Connect streaming its tables (and the marker table) into
 * the broker, one single-partition topic per table, so a truncate stays in order with the table's
 * other events. {@link #close} stops Connect, then the cluster (which drops the slot with it).
 */
final class CdcSource implements AutoCloseable {
  /** How long a marker may take to come through: Debezium streams a change in about 200 ms. */
  static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

  private final PrivatePostgres pg;
  private final SourceDatabase db;
  private DebeziumConnect connect;

  private CdcSource(PrivatePostgres pg, SourceDatabase db) {
    this.pg = pg;
    this.db = db;
  }

  /**
   * Starts the cluster, runs {@code setup} on it (tables and the rows the snapshot reads), creates
   * the topics and starts Connect.
   *
   * @param tables the captured tables, {@code public.name}
   * @param schemas whether events carry the Connect schema wrapper
   */
  static CdcSource start(
      Path dir,
      KafkaBrokerExtension kafka,
      List<String> tables,
      boolean schemas,
      Consumer<SourceDatabase> setup) {
    PrivatePostgres pg = PrivatePostgres.start();
    CdcSource source = new CdcSource(pg, SourceDatabase.open(pg, "postgres"));
    try {
      setup.accept(source.db);
      source.db.createMarkerTable();
      List<String> captured = new ArrayList<>(tables);
      captured.add(SourceDatabase.MARKER_TABLE);
      DebeziumConnect.Source what =
          new DebeziumConnect.Source(pg, "postgres", kafka.uniqueTopic("cdc"), captured, Map.of());
      for (String table : captured) {
        kafka.createTopic(what.topic(table), 1);
      }
      source.connect =
          DebeziumConnect.start(dir.resolve("connect"), kafka.bootstrapServers(), what, schemas);
      return source;
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  SourceDatabase db() {
    return db;
  }

  DebeziumConnect connect() {
    return connect;
  }

  /** The topic of a captured table. */
  String topic(String table) {
    return connect.topic(table);
  }

  /** Writes a marker and waits until Debezium has streamed it: every earlier change is in Kafka. */
  void awaitStreamed() {
    connect.awaitMarker(db.mark(), STREAM_TIMEOUT);
  }

  @Override
  public void close() {
    try {
      if (connect != null) {
        connect.close();
      }
    } finally {
      try {
        db.close();
      } finally {
        pg.close();
      }
    }
  }
}
