package dev.ferry.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.EpochStore;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.config.ColumnSource;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TargetSettings;
import dev.ferry.config.WorkerSettings;
import dev.ferry.health.Readiness;
import dev.ferry.sink.Origin;
import dev.ferry.sink.PostgresSink;
import dev.ferry.sink.Row;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast Ferry's own {@link PostgresSink} writes the bench's rows into an insert-mode {@code
 * events} table on one pooled connection, with exactly-once bookkeeping (offset markers, fencing)
 * in every transaction, once per {@code worker.write-method} and per transaction size: the rows
 * already coerced to text, as the sink receives them. Each line gives rows/s, the CPU the writing
 * thread spent per row (encoding, binding, the driver) and, with Postgres on this machine, the CPU
 * its backend spent per row ({@code /proc}, 10 ms ticks). The methods alternate, {@code --rounds}
 * times, so that a neighbour's load falls on both.
 *
 * <pre>
 * SinkWriteMethods --url JDBC_URL --user U [--password P] --schema S [--count N]
 *     [--batches 1,8,500,2000] [--rounds R]
 * </pre>
 */
public final class SinkWriteMethods {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String TOPIC = "bench";
  private static final List<String> COLUMNS =
      List.of("event_id", "user_id", "type", "amount", "ts", "attrs");

  private SinkWriteMethods() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    if (!options.containsKey("--url") || !options.containsKey("--schema")) {
      System.err.println(
          "usage: SinkWriteMethods --url JDBC_URL --user U [--password P] --schema S [--count N]"
              + " [--batches 1,8,500,2000] [--rounds R]");
      System.exit(2);
    }
    String schema = options.get("--schema");
    int count = Integer.parseInt(options.getOrDefault("--count", "100000"));
    int rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
    List<Integer> batches =
        List.of(options.getOrDefault("--batches", "500,2000").split(",")).stream()
            .map(Integer::parseInt)
            .toList();
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(options.get("--url"));
      pool.setUsername(options.getOrDefault("--user", "postgres"));
      pool.setPassword(options.get("--password"));
      pool.setMaximumPoolSize(1);
      pool.setAutoCommit(false);
      pool.addDataSourceProperty("reWriteBatchedInserts", "true");
      Migrations.migrate(pool);
      List<String[]> values = SinkRows.events(count);
      System.out.printf(
          "%-11s %6s %10s %12s %12s   (%d rows a run)%n",
          "method", "batch", "rows/s", "CPU µs/row", "server µs", count);
      for (int round = 0; round < rounds; round++) {
        for (int batch : batches) {
          for (WorkerSettings.WriteMethod method : WorkerSettings.WriteMethod.values()) {
            run(pool, schema, method, batch, values);
          }
        }
      }
    }
  }

  private static void run(
      HikariDataSource pool,
      String schema,
      WorkerSettings.WriteMethod method,
      int batch,
      List<String[]> values)
      throws Exception {
    String table = schema + ".events_sink";
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute(
          "CREATE TABLE "
              + table
              + " (event_id uuid NOT NULL, user_id text NOT NULL, type text NOT NULL,"
              + " amount numeric(12,2), ts timestamptz NOT NULL, attrs jsonb)");
      c.commit();
    }
    Map<String, ColumnSource> columns = new LinkedHashMap<>();
    COLUMNS.forEach(column -> columns.put(column, ColumnSource.parse("/" + column)));
    TableName name = TableName.parse(table).orElseThrow();
    PipelineSettings pipeline =
        PipelineSettings.simple(
            "events",
            List.of(TOPIC),
            Optional.empty(),
            new TargetSettings(
                name, PipelineSettings.Mode.INSERT, List.of(), columns, false, Optional.empty()),
            PipelineSettings.Tombstones.SKIP);
    String group = "bench-" + UUID.randomUUID();
    TopicIds topicIds = TopicIds.fixed(Map.of(TOPIC, "bench-topic-id"));
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    long epoch = new EpochStore(pool, group, "bench", topicIds).claim(partition).epoch();
    String target = PostgresSink.targetKey(pipeline.name(), name);
    List<Row> rows = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      rows.add(Row.insert("events", target, values.get(i), new Origin(partition, epoch, i)));
    }
    try (TableDefinitions tables =
            TableDefinitions.read(pool, List.of(pipeline), Clock.systemUTC());
        TransactionWatchdog watchdog =
            new TransactionWatchdog(
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                c -> {},
                new Readiness(),
                System::nanoTime)) {
      PostgresSink sink =
          PostgresSink.open(pool, tables, Optional.of(group), topicIds, watchdog, method);
      long backend = backendPid(pool);
      long serverBefore = SinkRows.processCpuNanos(backend);
      long cpuBefore = THREADS.getCurrentThreadCpuTime();
      long started = System.nanoTime();
      for (int from = 0; from < rows.size(); from += batch) {
        SinkResult outcome =
            sink.write(rows.subList(from, Math.min(rows.size(), from + batch)), List.of());
        if (!(outcome instanceof SinkResult.Committed)) {
          throw new IllegalStateException("a write did not commit: " + outcome);
        }
      }
      long nanos = Math.max(1, System.nanoTime() - started);
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuBefore;
      long server = SinkRows.processCpuNanos(backend) - serverBefore;
      System.out.printf(
          "%-11s %6d %10d %12.2f %12s%n",
          method.name().toLowerCase(Locale.ROOT),
          batch,
          rows.size() * 1_000_000_000L / nanos,
          cpu / 1000.0 / rows.size(),
          serverBefore < 0 ? "n/a" : "%.1f".formatted(server / 1000.0 / rows.size()));
    }
  }

  /** The backend of the pool's one connection. */
  private static long backendPid(HikariDataSource pool) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      long pid = r.getLong(1);
      c.commit();
      return pid;
    }
  }
}
