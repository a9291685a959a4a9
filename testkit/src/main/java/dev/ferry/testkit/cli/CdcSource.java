package dev.ferry.testkit.cli;

import dev.ferry.testkit.CliLogging;
import dev.ferry.testkit.cdc.DebeziumConnect;
import dev.ferry.testkit.postgres.PrivatePostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A change-data-capture source for scripts (scripts/demo-cdc): a {@link PrivatePostgres} cluster
 * with logical decoding and Debezium's PostgreSQL connector on Kafka Connect ({@link
 * DebeziumConnect}) writing its tables' changes to {@code PREFIX.SCHEMA.TABLE} topics.
 *
 * <pre>
 * CdcSource --bootstrap HOST:PORT --topic-prefix P --table public.items [--table …] --work DIR
 *           [--init-sql FILE] [--schemas true|false]
 * </pre>
 *
 * <p>Starts the cluster, runs {@code --init-sql} on its {@code postgres} database (the tables to
 * capture and their first rows, which the connector's snapshot then reads as {@code r} events),
 * starts Connect and waits until the connector's task runs. It prints {@code port=N} as soon as the
 * cluster is up and {@code ready} once the connector streams, one line each on stdout, then runs
 * until SIGTERM (or SIGINT) or until its stdin closes, whichever comes first, and stops what it
 * started: Connect (SIGTERM), then the cluster (its data directory, replication slot included, is
 * deleted). Connect's log is {@code DIR/connect.log}. Exit code 0 after a stop, 1 if the start
 * failed, 2 on bad usage. The classpath of Connect is the system property {@code
 * ferry.cdc.classpath} (the contents of {@code cdc-runtime/target/classpath.txt}).
 */
public final class CdcSource {
  private static final String USAGE =
      "usage: CdcSource --bootstrap HOST:PORT --topic-prefix P --table SCHEMA.TABLE [--table …]"
          + " --work DIR [--init-sql FILE] [--schemas true|false]";

  private final Object lock = new Object();
  private PrivatePostgres database;
  private DebeziumConnect connect;
  private boolean stopped;

  private CdcSource() {}

  /** The command line, parsed. */
  record Args(
      String bootstrap,
      String topicPrefix,
      List<String> tables,
      Path workDir,
      Path initSql,
      boolean schemas) {

    /**
     * @throws IllegalArgumentException naming the first bad or missing option
     */
    static Args parse(String... args) {
      String bootstrap = null;
      String prefix = null;
      List<String> tables = new ArrayList<>();
      Path work = null;
      Path initSql = null;
      boolean schemas = true;
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--bootstrap" -> bootstrap = value;
          case "--topic-prefix" -> prefix = value;
          case "--table" -> tables.add(value);
          case "--work" -> work = Path.of(value);
          case "--init-sql" -> initSql = Path.of(value);
          case "--schemas" -> schemas = parseBoolean("--schemas", value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (bootstrap == null || prefix == null || tables.isEmpty() || work == null) {
        throw new IllegalArgumentException(
            "--bootstrap, --topic-prefix, --table and --work are required");
      }
      return new Args(bootstrap, prefix, List.copyOf(tables), work, initSql, schemas);
    }

    private static boolean parseBoolean(String option, String value) {
      return switch (value) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(option + " must be true or false");
      };
    }
  }

  public static void main(String[] argv) {
    CliLogging.quietKafka();
    Args args;
    try {
      args = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("cdc-source: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    CdcSource source = new CdcSource();
    // SIGTERM and SIGINT run the hooks; so does the exit after stdin closed (then a no-op).
    Runtime.getRuntime().addShutdownHook(new Thread(source::stop, "cdc-source-stop"));
    try {
      source.start(args);
    } catch (RuntimeException | IOException | SQLException e) {
      System.err.println("cdc-source: " + e.getMessage());
      source.stop();
      System.exit(1);
      return;
    }
    awaitEndOfInput(System.in);
    source.stop();
  }

  private void start(Args args) throws IOException, SQLException {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      database = PrivatePostgres.start();
    }
    System.out.println("port=" + database.port());
    System.out.flush();
    if (args.initSql() != null) {
      runSql(database, Files.readString(args.initSql()));
    }
    DebeziumConnect.Source source =
        new DebeziumConnect.Source(database, "postgres", args.topicPrefix(), args.tables());
    DebeziumConnect started =
        DebeziumConnect.start(args.workDir(), args.bootstrap(), source, args.schemas());
    synchronized (lock) {
      connect = started;
      if (stopped) { // a signal came while Connect started: stop() saw no Connect to close
        connect.close();
        return;
      }
    }
    System.out.println("ready");
    System.out.flush();
  }

  private static void runSql(PrivatePostgres database, String sql) throws SQLException {
    Properties user = new Properties();
    user.setProperty("user", "postgres");
    try (Connection c = DriverManager.getConnection(database.jdbcUrl("postgres"), user);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Blocks until stdin ends (or cannot be read: the same for a process nobody talks to). */
  private static void awaitEndOfInput(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // input is ignored; only its end matters
      }
    } catch (IOException e) {
      System.err.println("cdc-source: stdin: " + e.getMessage() + "; stopping");
    }
  }

  /** Stops Connect, then the cluster; once, from whichever thread comes first. */
  private void stop() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        if (connect != null) {
          connect.close();
        } else {
          // Connect may be starting on the main thread, which the JVM's exit will not wait for:
          // end the child JVM this process started rather than leave it behind.
          ProcessHandle.current().children().forEach(ProcessHandle::destroy);
        }
      } finally {
        if (database != null) {
          database.close();
        }
      }
    }
  }
}
