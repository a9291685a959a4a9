package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryProcess;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that does not match the servers (a missing column, a missing table, a table {@code
 * auto-create} cannot create, a misspelled input topic) or names a transform no plugin provides
 * stops {@code run} with exit code 2 and every problem listed, before any side effect: no schema
 * {@code ferry}, no dead-letter topic, and the misspelled topic is not auto-created. Runs against a
 * database of its own, since schema {@code ferry} is shared by the other tests.
 */
@Timeout(120)
class ConfigMismatchProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private String database;

  @BeforeEach
  void createDatabase() throws Exception {
    database = "ferry_mismatch_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    try (Connection c = PG.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    try (Connection c = connectTo(database);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE events (event_id text PRIMARY KEY, amount numeric)");
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = PG.connect();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void everyMismatchIsListedWithExit2BeforeAnySideEffect(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("mismatch");
    KAFKA.createTopic(topic, 2);
    String misspelled = KAFKA.uniqueTopic("mispelled");
    String created = KAFKA.uniqueTopic("created");
    KAFKA.createTopic(created, 1);
    KAFKA.createTopic(created + "-x", 1);
    Files.writeString(
        dir.resolve("thing.json"), "{\"properties\": {\"id\": {\"type\": \"integer\"}}}");
    Path config =
        config(
            dir,
            """
            pipelines:
              - name: events
                topics: [%s]
                table: public.events
                columns:
                  event_id: /event_id
                  colour: /colour
              - name: orders
                topics: [%s]
                table: public.orders
                columns:
                  id: /id
              - name: later
                topics: [%s]
                table: public.created_later
                schema: thing.json
                auto-create: true
              - name: nowhere
                topics: [%s]
                table: no_such_schema.things
                schema: thing.json
                auto-create: true
            """
                .formatted(topic, misspelled, created, created + "-x"));

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      int exit = ferry.awaitExit(Duration.ofSeconds(60));
      String output = ferry.output();
      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(2);
      // A missing table auto-create may create is no problem, unless its schema is missing too.
      assertThat(output)
          .contains("the configuration cannot be used (4 problems); nothing was changed")
          .contains("no column colour (it has: event_id, amount)")
          .contains("table public.orders does not exist")
          .contains(
              "pipeline nowhere: table no_such_schema.things does not exist and cannot be created"
                  + " (auto-create): schema no_such_schema does not exist (Ferry creates tables,"
                  + " not schemas)")
          .contains("input topic " + misspelled + " does not exist")
          .doesNotContain("table public.created_later does not exist");
    }

    assertNoFerrySchema();
    try (Admin admin = KAFKA.admin()) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics).contains(topic).doesNotContain(topic + ".dlt", misspelled);
    }
  }

  @Test
  void aTransformNoPluginProvidesExits2BeforeAnySideEffect(@TempDir Path dir) throws Exception {
    String topic = KAFKA.uniqueTopic("transform");
    KAFKA.createTopic(topic, 1);
    Path config =
        config(
            dir,
            """
            pipelines:
              - name: events
                topics: [%s]
                transform: no-such-transform
                table: public.events
                columns:
                  event_id: /event_id
            """
                .formatted(topic));

    try (FerryProcess ferry = FerryProcess.start(dir, "run", "--config", config.toString())) {
      int exit = ferry.awaitExit(Duration.ofSeconds(60));
      String output = ferry.output();
      assertThat(exit).as("exit code; output:\n%s", output).isEqualTo(2);
      assertThat(output)
          .contains("nothing was changed")
          .contains("names transform 'no-such-transform', which no plugin provides");
    }
    assertNoFerrySchema();
  }

  /** A config file for this test's database and broker, with {@code pipelines} appended. */
  private Path config(Path dir, String pipelines) throws Exception {
    String head =
        """
        kafka:
          bootstrap-servers: %s
          group-id: ferry-mismatch
        database:
          url: %s
          username: %s
          password: "%s"
        http:
          bind-address: 127.0.0.1
          port: 0
        """
            .formatted(
                KAFKA.bootstrapServers(),
                PG.url().replaceFirst("/[^/?]*$", "/" + database),
                PG.user(),
                PG.password());
    return Files.writeString(dir.resolve("ferry.yaml"), head + pipelines);
  }

  private void assertNoFerrySchema() throws Exception {
    try (Connection c = connectTo(database);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("schema ferry").isZero();
    }
  }

  private static Connection connectTo(String database) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", PG.user());
    p.setProperty("password", PG.password());
    return DriverManager.getConnection(PG.url().replaceFirst("/[^/?]*$", "/" + database), p);
  }
}
