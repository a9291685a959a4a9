package dev.ferry.testkit.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class its own, empty PostgreSQL schema:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();
 * }</pre>
 *
 * <p>Before the class's first test it creates {@code ferry_test_<class>_<random6>}; after the last
 * it drops it with {@code CASCADE}, whatever the tests left in it. Connections from {@link
 * #connect()}, and the helpers, have the schema as their {@code search_path}, so unqualified names
 * ({@code events}) land in it.
 *
 * <p>The database comes from the environment: {@code FERRY_TEST_DATABASE_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/postgres}), {@code FERRY_TEST_DATABASE_USER} (default {@code
 * postgres}) and {@code FERRY_TEST_DATABASE_PASSWORD} (default none).
 *
 * <p>Thread-safe. Every helper opens and closes its own connection; SQL errors surface as {@link
 * UncheckedSqlException}.
 */
public final class PostgresSchemaExtension implements BeforeAllCallback, AfterAllCallback {

  public static final String URL_ENV = "FERRY_TEST_DATABASE_URL";
  public static final String USER_ENV = "FERRY_TEST_DATABASE_USER";
  public static final String PASSWORD_ENV = "FERRY_TEST_DATABASE_PASSWORD";
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  public static final String DEFAULT_USER = "postgres";

  /** Classpath folder of the repository's {@code schemas/}, bundled into the testkit jar. */
  public static final String SCHEMAS_RESOURCE_DIR = "dev/ferry/testkit/schemas/";

  private static final int MAX_IDENTIFIER_LENGTH = 63; // PostgreSQL's NAMEDATALEN - 1
  private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String url;
  private final String user;
  private final String password;
  private volatile String schema;
  private volatile String ownerId;

  /** Reads the database settings from the environment. */
  public PostgresSchemaExtension() {
    this(System.getenv());
  }

  PostgresSchemaExtension(Map<String, String> env) {
    this.url = nonBlank(env.get(URL_ENV), DEFAULT_URL);
    this.user = nonBlank(env.get(USER_ENV), DEFAULT_USER);
    this.password = nonBlank(env.get(PASSWORD_ENV), "");
  }

  private static String nonBlank(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (schema != null) {
      return; // a @Nested class inside the class that created it
    }
    String name = schemaName(context.getRequiredTestClass());
    try (Connection connection = DriverManager.getConnection(url, credentials());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not create schema " + name + " at " + url, e);
    }
    ownerId = context.getUniqueId();
    schema = name;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    String created = schema;
    if (created == null || !context.getUniqueId().equals(ownerId)) {
      return;
    }
    schema = null;
    try (Connection connection = DriverManager.getConnection(url, credentials());
        Statement statement = connection.createStatement()) {
      // Bounded: a connection a test left open could otherwise block the drop forever.
      statement.execute("SET lock_timeout = '30s'");
      statement.execute("DROP SCHEMA IF EXISTS " + created + " CASCADE");
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not drop schema " + created, e);
    }
  }

  /**
   * {@code ferry_test_<simple class name, lower case, [a-z0-9_] only, trimmed>_<6 random>}, at most
   * 63 characters.
   */
  static String schemaName(Class<?> testClass) {
    String prefix = "ferry_test_";
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    int room = MAX_IDENTIFIER_LENGTH - prefix.length() - 7;
    if (base.length() > room) {
      base = base.substring(0, room);
    }
    StringBuilder name = new StringBuilder(prefix).append(base).append('_');
    for (int i = 0; i < 6; i++) {
      name.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
    }
    return name.toString();
  }

  /** The JDBC URL of the database, without any schema setting. */
  public String url() {
    return url;
  }

  /** The server's port, from {@link #url()} (5432 when the URL names none), e.g. for a proxy. */
  public int port() {
    int port = java.net.URI.create(url.substring("jdbc:".length())).getPort();
    return port == -1 ? 5432 : port;
  }

  public String user() {
    return user;
  }

  /** The password; empty if none is set. */
  public String password() {
    return password;
  }

  /** The test class's schema, e.g. {@code ferry_test_sinkit_k3x9qa}. */
  public String schema() {
    String current = schema;
    if (current == null) {
      throw new IllegalStateException(
          "no schema: register PostgresSchemaExtension on a static field with @RegisterExtension");
    }
    return current;
  }

  /** {@code schema.table}, e.g. for a pipeline's {@code table:} setting. */
  public String qualified(String table) {
    return schema() + "." + table;
  }

  /** A new connection (auto-commit on) whose {@code search_path} is the test schema. */
  public Connection connect() {
    String target = schema();
    try {
      Properties properties = credentials();
      properties.setProperty("currentSchema", target);
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not connect to " + url, e);
    }
  }

  /** Runs SQL (one or more statements) in the test schema. */
  public void execute(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not execute: " + abbreviate(sql), e);
    }
  }

  /** Runs the SQL in a file (e.g. {@code schemas/events.sql}) in the test schema. */
  public void executeFile(Path file) {
    execute(loadSql(file));
  }

  /** The text of an SQL file, for {@link #execute(String)}. */
  public static String loadSql(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  /**
   * Runs one of the repository's {@code schemas/} files, from the copy in the testkit jar, in the
   * test schema: {@code PG.executeSchemaFile("events.sql")} creates the {@code events} table.
   */
  public void executeSchemaFile(String name) {
    execute(loadSchemaFile(name));
  }

  /** The text of one of the repository's {@code schemas/} files, from the testkit jar. */
  public static String loadSchemaFile(String name) {
    String resource = SCHEMAS_RESOURCE_DIR + name;
    ClassLoader loader = PostgresSchemaExtension.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no " + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource, e);
    }
  }

  /**
   * The first column of the first row as a long, e.g. {@code select count(*) from events}.
   *
   * @throws IllegalStateException if there is no row or the value is null
   */
  public long queryLong(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        throw new IllegalStateException("no row from: " + abbreviate(sql));
      }
      long value = rows.getLong(1);
      if (rows.wasNull()) {
        throw new IllegalStateException("null from: " + abbreviate(sql));
      }
      return value;
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not query: " + abbreviate(sql), e);
    }
  }

  /**
   * All rows, each a map from column label to the JDBC driver's value ({@code uuid} gives {@link
   * java.util.UUID}, {@code numeric} {@link java.math.BigDecimal}, {@code jsonb} a {@code PGobject}
   * whose {@code getValue()} is the JSON text), in column order.
   */
  public List<Map<String, Object>> queryRows(String sql) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rows.getMetaData();
      List<Map<String, Object>> result = new ArrayList<>();
      while (rows.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int column = 1; column <= meta.getColumnCount(); column++) {
          row.put(meta.getColumnLabel(column), rows.getObject(column));
        }
        result.add(row);
      }
      return result;
    } catch (SQLException e) {
      throw new UncheckedSqlException("could not query: " + abbreviate(sql), e);
    }
  }

  private Properties credentials() {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }
}
