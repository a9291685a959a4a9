package dev.ferry.testkit.bench;

import dev.ferry.testkit.load.Event;
import dev.ferry.testkit.load.EventSequence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The physical ceiling scripts/bench compares Ferry with: the same good records LoadGenerator sends
 * (same seed, same users), already in memory as COPY text, loaded into a table by one {@code COPY …
 * FROM STDIN} on one connection. Only the COPY is timed; it commits once.
 *
 * <pre>
 * CopyCeiling --url JDBC_URL --user U [--password P] --table schema.events --count N [--seed S]
 * </pre>
 *
 * Prints {@code rows=N millis=M rows_per_s=R}.
 */
public final class CopyCeiling {
  private CopyCeiling() {}

  public static void main(String[] args) throws Exception {
    String url = null;
    String table = null;
    Properties credentials = new Properties();
    long count = 0;
    long seed = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--user" -> credentials.setProperty("user", args[i + 1]);
        case "--password" -> credentials.setProperty("password", args[i + 1]);
        case "--table" -> table = args[i + 1];
        case "--count" -> count = Long.parseLong(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null || table == null || count < 1) {
      System.err.println(
          "usage: CopyCeiling --url JDBC_URL --user U [--password P] --table T --count N"
              + " [--seed S]");
      System.exit(2);
    }
    byte[] data = copyText(count, seed);
    try (Connection c = DriverManager.getConnection(url, credentials)) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long started = System.nanoTime();
      long rows =
          copy.copyIn(
              "COPY " + table + " (event_id, user_id, type, amount, ts, attrs) FROM STDIN",
              new ByteArrayInputStream(data));
      long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
      System.out.printf("rows=%d millis=%d rows_per_s=%d%n", rows, millis, rows * 1000 / millis);
    }
  }

  /** The good records of the sequence as COPY text rows (tab-separated, escaped). */
  static byte[] copyText(long count, long seed) {
    EventSequence sequence = new EventSequence(seed, 1_000, 0.0);
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(count * 200, 1 << 30));
    StringBuilder line = new StringBuilder(256);
    for (long i = 0; i < count; i++) {
      Event e = sequence.next().event();
      line.setLength(0);
      appendRow(
          line,
          e.eventId().toString(),
          e.userId(),
          e.type(),
          e.amount().toPlainString(),
          e.ts().toString(),
          e.attrsJson());
      out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Appends one row in COPY's text format: tab-separated, escaped, ending in a newline. */
  public static void appendRow(StringBuilder out, String... values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      String v = values[i];
      for (int k = 0; k < v.length(); k++) {
        char ch = v.charAt(k);
        switch (ch) {
          case '\\' -> out.append("\\\\");
          case '\t' -> out.append("\\t");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          default -> out.append(ch);
        }
      }
    }
    out.append('\n');
  }
}
