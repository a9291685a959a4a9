package dev.ferry.bench;

import dev.ferry.testkit.bench.CopyCeiling;
import dev.ferry.testkit.load.Event;
import dev.ferry.testkit.load.EventSequence;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
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
 *       ceiling.
 * </ol>
 *
 * <pre>
 * SinkStrategies --url JDBC_URL --user U [--password P] --schema S [--count N] [--batch B]
 * </pre>
 */
public final class SinkStrategies {
  private static final String COLUMNS = "event_id, user_id, type, amount, ts, attrs";
  private static final String CASTS =
      "CAST(? AS uuid), CAST(? AS text), CAST(? AS text), CAST(? AS numeric),"
          + " CAST(? AS timestamptz), CAST(? AS jsonb)";

  private SinkStrategies() {}

  public static void main(String[] args) throws Exception {
    String url = null;
    String schema = null;
    Properties credentials = new Properties();
    int count = 200_000;
    int batch = 500;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--user" -> credentials.setProperty("user", args[i + 1]);
        case "--password" -> credentials.setProperty("password", args[i + 1]);
        case "--schema" -> schema = args[i + 1];
        case "--count" -> count = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null || schema == null) {
      System.err.println(
          "usage: SinkStrategies --url JDBC_URL --user U [--password P] --schema S [--count N]"
              + " [--batch B]");
      System.exit(2);
    }
    List<String[]> rows = rows(count);
    System.out.printf(
        "%-14s %12s   (%d rows, transactions of %d)%n", "strategy", "rows/s", count, batch);
    for (String strategy : List.of("copy", "copy-staging", "batch", "batch-plain")) {
      Properties props = new Properties();
      props.putAll(credentials);
      props.setProperty("reWriteBatchedInserts", String.valueOf(!strategy.equals("batch-plain")));
      try (Connection c = DriverManager.getConnection(url, props)) {
        String table = schema + ".events_" + strategy.replace('-', '_');
        try (Statement s = c.createStatement()) {
          s.execute("DROP TABLE IF EXISTS " + table);
          s.execute("CREATE TABLE " + table + " (LIKE " + schema + ".events)");
        }
        c.setAutoCommit(false);
        long started = System.nanoTime();
        for (int from = 0; from < rows.size(); from += batch) {
          List<String[]> chunk = rows.subList(from, Math.min(rows.size(), from + batch));
          switch (strategy) {
            case "copy" -> copy(c, table, chunk);
            case "copy-staging" -> copyStaging(c, table, chunk);
            default -> batch(c, table, chunk);
          }
          c.commit();
        }
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        System.out.printf("%-14s %12d%n", strategy, rows.size() * 1000L / millis);
      }
    }
  }

  private static List<String[]> rows(int count) {
    EventSequence sequence = new EventSequence(1, 1_000, 0.0);
    List<String[]> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Event e = sequence.next().event();
      rows.add(
          new String[] {
            e.eventId().toString(),
            e.userId(),
            e.type(),
            e.amount().toPlainString(),
            e.ts().toString(),
            e.attrsJson()
          });
    }
    return rows;
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
