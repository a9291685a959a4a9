package dev.ferry.bench;

import dev.ferry.testkit.bench.CopyCeiling;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * How fast one connection writes the bench's rows into an {@code events} table, transaction by
 * transaction of {@code --batch} rows, with each way the sink could write them (values already
 * coerced to text, as the sink has them):
 *
 * <ol>
 *   <li>{@code batch}: a JDBC batch of {@code INSERT … VALUES (CAST(? AS uuid), …)}, which {@code
 *       reWriteBatchedInserts=true} turns into multi-row statements (what Ferry does);
 *   <li>{@code batch-plain}: the same without the rewrite, one INSERT per row in one batch;
 *   <li>{@code copy-staging}: {@code COPY} into a temporary staging table, then {@code INSERT …
 *       SELECT} with the casts;
 *   <li>{@code copy}: {@code COPY} straight into the table (no casts, no upsert possible): the
 *       ceiling, and what Ferry does in insert mode since decision 20;
 *   <li>{@code upsert-batch}: the rewritten batch of {@code INSERT … ON CONFLICT (event_id) DO
 *       UPDATE} into a table keyed by {@code event_id} (what Ferry does in upsert mode);
 *   <li>{@code upsert-staging}: {@code COPY} into a temporary table of the target's column types
 *       ({@code ON COMMIT DELETE ROWS}, created once per connection), then one {@code INSERT …
 *       SELECT … ON CONFLICT (event_id) DO UPDATE}.
 * </ol>
 *
 * <p>The upsert strategies write every row twice: once into the empty table (every row new), then
 * again with the same keys (every row an update); both are printed. Beside rows/s each line shows
 * the CPU the writing thread spent per row (the client's side: building, encoding, the driver) and,
 * when Postgres runs on this machine, the CPU its backend process spent per row ({@code /proc}, 10
 * ms ticks).
 *
 * <pre>
 * SinkStrategies --url JDBC_URL --user U [--password P] --schema S [--count N] [--batch B]
 *     [--strategies copy,batch,…]
 * </pre>
 */
public final class SinkStrategies {
  private static final String COLUMNS = "event_id, user_id, type, amount, ts, attrs";
  private static final String CASTS =
      "CAST(? AS uuid), CAST(? AS text), CAST(? AS text), CAST(? AS numeric),"
          + " CAST(? AS timestamptz), CAST(? AS jsonb)";

  private static final String UPDATES =
      "user_id = EXCLUDED.user_id, type = EXCLUDED.type, amount = EXCLUDED.amount,"
          + " ts = EXCLUDED.ts, attrs = EXCLUDED.attrs";
  private static final List<String> ALL =
      List.of("copy", "copy-staging", "batch", "batch-plain", "upsert-batch", "upsert-staging");
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SinkStrategies() {}

  public static void main(String[] args) throws Exception {
    String url = null;
    String schema = null;
    Properties credentials = new Properties();
    int count = 200_000;
    int batch = 500;
    List<String> strategies = ALL;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--user" -> credentials.setProperty("user", args[i + 1]);
        case "--password" -> credentials.setProperty("password", args[i + 1]);
        case "--schema" -> schema = args[i + 1];
        case "--count" -> count = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--strategies" -> strategies = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null || schema == null) {
      System.err.println(
          "usage: SinkStrategies --url JDBC_URL --user U [--password P] --schema S [--count N]"
              + " [--batch B] [--strategies copy,batch,…]");
      System.exit(2);
    }
    List<String[]> rows = SinkRows.events(count);
    System.out.printf(
        "%-22s %10s %12s %12s   (%d rows, transactions of %d)%n",
        "strategy", "rows/s", "CPU µs/row", "server µs", count, batch);
    for (String strategy : strategies) {
      Properties props = new Properties();
      props.putAll(credentials);
      props.setProperty("reWriteBatchedInserts", String.valueOf(!strategy.equals("batch-plain")));
      try (Connection c = DriverManager.getConnection(url, props)) {
        String table = schema + ".events_" + strategy.replace('-', '_');
        boolean upsert = strategy.startsWith("upsert");
        prepare(c, table, strategy);
        c.setAutoCommit(false);
        long backend = backendPid(c);
        for (String pass : upsert ? List.of(" (new)", " (update)") : List.of("")) {
          measure(c, backend, table, strategy, pass, rows, batch);
        }
      }
    }
  }

  /** Writes every row with one strategy in transactions of {@code batch} and prints the figures. */
  private static void measure(
      Connection c,
      long backend,
      String table,
      String strategy,
      String pass,
      List<String[]> rows,
      int batch)
      throws Exception {
    long cpuBefore = THREADS.getCurrentThreadCpuTime();
    long serverBefore = SinkRows.processCpuNanos(backend);
    long started = System.nanoTime();
    for (int from = 0; from < rows.size(); from += batch) {
      List<String[]> chunk = rows.subList(from, Math.min(rows.size(), from + batch));
      switch (strategy) {
        case "copy" -> copy(c, table, chunk);
        case "copy-staging" -> copyStaging(c, table, chunk);
        case "upsert-batch" -> upsertBatch(c, table, chunk);
        case "upsert-staging" -> upsertStaging(c, table, chunk);
        case "batch", "batch-plain" -> batch(c, table, chunk);
        default -> throw new IllegalArgumentException("unknown strategy " + strategy);
      }
      c.commit();
    }
    long nanos = Math.max(1, System.nanoTime() - started);
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuBefore;
    long server = SinkRows.processCpuNanos(backend) - serverBefore;
    System.out.printf(
        "%-22s %10d %12.1f %12s%n",
        strategy + pass,
        rows.size() * 1_000_000_000L / nanos,
        cpu / 1000.0 / rows.size(),
        serverBefore < 0 ? "n/a" : "%.1f".formatted(server / 1000.0 / rows.size()));
  }

  /** Creates the strategy's empty table (keyed for an upsert) and, for staging, its temp table. */
  private static void prepare(Connection c, String table, String strategy) throws Exception {
    boolean upsert = strategy.startsWith("upsert");
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute(
          "CREATE TABLE "
              + table
              + " (event_id uuid NOT NULL"
              + (upsert ? " PRIMARY KEY" : "")
              + ", user_id text NOT NULL, type text NOT NULL, amount numeric(12,2),"
              + " ts timestamptz NOT NULL, attrs jsonb)");
      if (strategy.equals("upsert-staging")) {
        // Once per connection, as the sink would hold it.
        s.execute(
            "CREATE TEMP TABLE " + staging(table) + " (LIKE " + table + ") ON COMMIT DELETE ROWS");
      }
    }
  }

  private static void batch(Connection c, String table, List<String[]> rows) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (" + CASTS + ")")) {
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          ps.setString(i + 1, row[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void upsertBatch(Connection c, String table, List<String[]> rows)
      throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + table
                + " AS stored ("
                + COLUMNS
                + ") VALUES ("
                + CASTS
                + ") ON CONFLICT (event_id) DO UPDATE SET "
                + UPDATES)) {
      for (String[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          ps.setString(i + 1, row[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The staging table has the target's types, so COPY parses each value once, as Ferry would. */
  private static void upsertStaging(Connection c, String table, List<String[]> rows)
      throws Exception {
    String staging = staging(table);
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    copy.copyIn("COPY " + staging + " (" + COLUMNS + ") FROM STDIN", text(rows));
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + table
              + " AS stored ("
              + COLUMNS
              + ") SELECT "
              + COLUMNS
              + " FROM "
              + staging
              + " ON CONFLICT (event_id) DO UPDATE SET "
              + UPDATES);
    }
  }

  private static long backendPid(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String staging(String table) {
    return "staging_" + table.substring(table.indexOf('.') + 1);
  }

  private static void copy(Connection c, String table, List<String[]> rows) throws Exception {
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    copy.copyIn("COPY " + table + " (" + COLUMNS + ") FROM STDIN", text(rows));
  }

  private static void copyStaging(Connection c, String table, List<String[]> rows)
      throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS staging (event_id text, user_id text, type text,"
              + " amount text, ts text, attrs text) ON COMMIT DELETE ROWS");
    }
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    copy.copyIn("COPY staging FROM STDIN", text(rows));
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + table
              + " ("
              + COLUMNS
              + ") SELECT event_id::uuid, user_id, type, amount::numeric, ts::timestamptz,"
              + " attrs::jsonb FROM staging");
    }
  }

  private static ByteArrayInputStream text(List<String[]> rows) {
    StringBuilder out = new StringBuilder(rows.size() * 200);
    rows.forEach(row -> CopyCeiling.appendRow(out, row));
    return new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
